import { describe, expect, it } from 'vitest';
import { boardPath, commitTitle, hasUnsavedText, taskMetadata, taskPath } from './panel';

describe('boardPath', () => {
  it('keeps the board’s search', () => {
    expect(boardPath('p1', '?status=todo&q=logo')).toBe('/projects/p1?status=todo&q=logo');
    expect(boardPath('p1', '')).toBe('/projects/p1');
    expect(boardPath('p1', '?')).toBe('/projects/p1');
  });
});

describe('taskPath', () => {
  it('carries the board’s search to the task’s address', () => {
    expect(taskPath('p1', 't1', '?priority=high&sort=created_at')).toBe(
      '/projects/p1/tasks/t1?priority=high&sort=created_at',
    );
    expect(taskPath('p1', 't1', '')).toBe('/projects/p1/tasks/t1');
    expect(taskPath('p1', 't1', '?')).toBe('/projects/p1/tasks/t1');
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
  it('is false for text whose save is under way, true again for text typed after it', () => {
    const editing = { title: ' Brief 2', description: 'Draft. More.' };
    const saving = { title: 'Brief 2', description: 'Draft. More.' };
    expect(hasUnsavedText(task, editing, saving)).toBe(false);
    expect(
      hasUnsavedText(task, { title: 'Brief 2', description: null }, { title: 'Brief 2' }),
    ).toBe(false);
    expect(hasUnsavedText(task, editing, { title: 'Brief 2' })).toBe(true);
    expect(hasUnsavedText(task, { ...editing, title: 'Brief 3' }, saving)).toBe(true);
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
