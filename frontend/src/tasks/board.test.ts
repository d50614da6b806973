import { describe, expect, it } from 'vitest';
import type { Task, TaskPage } from '../api/types';
import {
  columnTasks,
  groupByStatus,
  matchesFilters,
  removeTask,
  replaceTask,
  withoutStatus,
} from './board';

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

  it('merges full cursor pages into one list per column, each task once', () => {
    // Three pages of 30 (the board's page size) over 80 tasks; the list moved while it was
    // read, so the last task of each page comes again first on the next one.
    const statuses: Task['status'][] = ['todo', 'in_progress', 'done'];
    const all = Array.from({ length: 80 }, (_, i) => task(String(i), statuses[i % 3] ?? 'todo'));
    const pages = [
      page(all.slice(0, 30), 'c1'),
      page(all.slice(29, 59), 'c2'),
      page(all.slice(58, 80)),
    ];
    const columns = groupByStatus(pages);
    const ids = statuses.flatMap((s) => columns[s].map((t) => t.id));
    expect(ids).toHaveLength(80);
    expect(new Set(ids).size).toBe(80);
    expect(columns.todo.map((t) => t.id)).toEqual(
      all.filter((t) => t.status === 'todo').map((t) => t.id),
    );
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

describe('removeTask', () => {
  it('drops the task from whichever page holds it and leaves the other pages as they were', () => {
    const first = page([task('1', 'todo'), task('2', 'todo')], 'c1');
    const second = page([task('3', 'done')]);
    const pages = removeTask([first, second], '3');
    expect(pages[0]).toBe(first);
    expect(pages[1]).toEqual(page([]));
    expect(groupByStatus(pages).done).toEqual([]);
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

describe('columnTasks', () => {
  it("keeps a column's own pages in server order, each task once", () => {
    const pages = [
      page([task('1', 'todo'), task('2', 'todo')], 'c1'),
      page([task('2', 'todo'), task('3', 'todo')]),
    ];
    expect(columnTasks(pages, 'todo').map((t) => t.id)).toEqual(['1', '2', '3']);
  });

  it('drops a task read before it moved to another column', () => {
    const pages = [page([task('1', 'todo'), task('2', 'done')])];
    expect(columnTasks(pages, 'todo').map((t) => t.id)).toEqual(['1']);
    expect(columnTasks([], 'done')).toEqual([]);
  });
});

describe('withoutStatus', () => {
  it('keeps the filters the counts take, and no empty ones (one query key per set)', () => {
    expect(withoutStatus({ status: 'done', priority: 'urgent', q: 'hom' })).toEqual({
      priority: 'urgent',
      q: 'hom',
    });
    expect(withoutStatus({ status: 'todo', assigneeId: undefined, q: '' })).toEqual({});
  });
});
