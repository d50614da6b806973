import { describe, expect, it } from 'vitest';
import type { Task, TaskPage } from '../api/types';
import { groupByStatus, matchesFilters, replaceTask } from './board';

const task = (id: string, status: Task['status'], extra: Partial<Task> = {}): Task => ({
  id,
  project_id: 'p',
  title: `Task ${id}`,
  description: '',
  status,
  priority: 'medium',
  assignee_id: null,
  due_date: null,
  version: 1,
  created_at: '2030-01-01T00:00:00Z',
  updated_at: '2030-01-01T00:00:00Z',
  ...extra,
});
const page = (items: Task[], next: string | null = null): TaskPage => ({
  items,
  next_cursor: next,
});

describe('groupByStatus', () => {
  it('puts tasks in their status column in server order, across pages', () => {
    const columns = groupByStatus([
      page([task('1', 'todo'), task('2', 'done')], 'c1'),
      page([task('3', 'todo'), task('4', 'in_progress')]),
    ]);
    expect(columns.todo.map((t) => t.id)).toEqual(['1', '3']);
    expect(columns.in_progress.map((t) => t.id)).toEqual(['4']);
    expect(columns.done.map((t) => t.id)).toEqual(['2']);
  });

  it('shows a task once when a later page repeats it (the first read wins)', () => {
    const columns = groupByStatus([
      page([task('1', 'done', { version: 2 })], 'c1'),
      page([task('1', 'todo', { version: 1 }), task('2', 'todo')]),
    ]);
    expect(columns.done.map((t) => t.id)).toEqual(['1']);
    expect(columns.todo.map((t) => t.id)).toEqual(['2']);
  });

  it('gives three empty columns for no pages', () => {
    expect(groupByStatus([])).toEqual({ todo: [], in_progress: [], done: [] });
  });
});

describe('replaceTask', () => {
  it('swaps in the new version, or drops it when it no longer matches the filters', () => {
    const pages = [page([task('1', 'todo'), task('2', 'todo')])];
    const moved = task('1', 'done', { version: 2 });
    expect(replaceTask(pages, moved, () => true)[0]?.items[0]).toBe(moved);
    const filtered = replaceTask(pages, moved, (t) => matchesFilters(t, { status: 'todo' }));
    expect(filtered[0]?.items.map((t) => t.id)).toEqual(['2']);
  });
});

describe('matchesFilters', () => {
  it('checks status, priority and assignee', () => {
    const t = task('1', 'todo', { priority: 'high', assignee_id: 'u1' });
    expect(matchesFilters(t, {})).toBe(true);
    expect(matchesFilters(t, { status: 'done' })).toBe(false);
    expect(matchesFilters(t, { priority: 'high', assigneeId: 'u1' })).toBe(true);
    expect(matchesFilters(t, { assigneeId: 'u2' })).toBe(false);
  });
});
