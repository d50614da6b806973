import { describe, expect, it } from 'vitest';
import {
  boardPath,
  commitTitle,
  hasUnsavedText,
  isPlainClick,
  taskLinkOnBoard,
  taskMetadata,
} from './panel';

describe('boardPath', () => {
  it('keeps the board’s search', () => {
    expect(boardPath('p1', '?status=todo&q=logo')).toBe('/projects/p1?status=todo&q=logo');
    expect(boardPath('p1', '')).toBe('/projects/p1');
    expect(boardPath('p1', '?')).toBe('/projects/p1');
  });
});

describe('taskLinkOnBoard', () => {
  it('adds the board’s search to a task’s address', () => {
    expect(taskLinkOnBoard('/projects/p1/tasks/t1', 'p1', '?priority=high')).toBe(
      '/projects/p1/tasks/t1?priority=high',
    );
    expect(taskLinkOnBoard('/projects/p1/tasks/t1', 'p1', '')).toBe('/projects/p1/tasks/t1');
  });
  it('leaves other links alone', () => {
    expect(taskLinkOnBoard('/projects/p1/tasks/new', 'p1', '?q=a')).toBeNull();
    expect(taskLinkOnBoard('/projects/p1/tasks/', 'p1', '?q=a')).toBeNull();
    expect(taskLinkOnBoard('/projects/p2/tasks/t1', 'p1', '?q=a')).toBeNull();
    expect(taskLinkOnBoard('/projects/p1/members', 'p1', '?q=a')).toBeNull();
    expect(taskLinkOnBoard('/projects/p1/tasks/t1?x=1', 'p1', '?q=a')).toBeNull();
    expect(taskLinkOnBoard('/projects/p1/tasks/t1/x', 'p1', '?q=a')).toBeNull();
  });
});

describe('isPlainClick', () => {
  const click = {
    button: 0,
    metaKey: false,
    ctrlKey: false,
    shiftKey: false,
    altKey: false,
    defaultPrevented: false,
  };
  it('is a left click without keys', () => {
    expect(isPlainClick(click)).toBe(true);
    expect(isPlainClick({ ...click, button: 1 })).toBe(false);
    expect(isPlainClick({ ...click, ctrlKey: true })).toBe(false);
    expect(isPlainClick({ ...click, metaKey: true })).toBe(false);
    expect(isPlainClick({ ...click, shiftKey: true })).toBe(false);
    expect(isPlainClick({ ...click, defaultPrevented: true })).toBe(false);
  });
});

describe('commitTitle', () => {
  it('saves a changed title, trimmed', () => {
    expect(commitTitle('Old', '  New ')).toEqual({ kind: 'save', title: 'New' });
  });
  it('does nothing for the same title (spaces aside)', () => {
    expect(commitTitle('Old', 'Old  ')).toEqual({ kind: 'unchanged' });
  });
});

describe('hasUnsavedText', () => {
  const task = { title: 'Brief', description: 'Draft.' };
  it('is false with no editor open, or one with nothing changed', () => {
    expect(hasUnsavedText(task, { title: null, description: null })).toBe(false);
    expect(hasUnsavedText(task, { title: 'Brief ', description: 'Draft.' })).toBe(false);
  });
  it('is true when an open editor holds other text', () => {
    expect(hasUnsavedText(task, { title: 'Brief 2', description: null })).toBe(true);
    expect(hasUnsavedText(task, { title: null, description: 'Draft. More.' })).toBe(true);
  });
});

describe('taskMetadata', () => {
  const names: Record<string, string> = { ann: 'Ann', bob: 'Bob' };
  const name = (id: string) => names[id] ?? null;
  const ago = (iso: string) => `at ${iso}`;
  const task = {
    created_by_id: 'ann',
    updated_by_id: 'bob',
    created_at: 'c',
    updated_at: 'u',
    version: 3,
  };
  it('says who created and who updated, and when', () => {
    expect(taskMetadata(task, name, 'me', ago)).toBe('Created by Ann · updated by Bob, at u');
  });
  it('says "you" and "someone"', () => {
    expect(taskMetadata({ ...task, updated_by_id: 'me' }, name, 'me', ago)).toBe(
      'Created by Ann · updated by you, at u',
    );
    expect(
      taskMetadata({ ...task, created_by_id: null, updated_by_id: 'gone' }, name, 'me', ago),
    ).toBe('Created by someone · updated by someone, at u');
  });
  it('only says "created" for a task never changed', () => {
    expect(taskMetadata({ ...task, version: 1 }, name, 'me', ago)).toBe('Created by Ann, at c');
  });
});
