import { describe, expect, it } from 'vitest';
import type { Task, TaskPage } from '../api/types';
import {
  type CachedList,
  cachedTask,
  columnTasks,
  compareTasks,
  expectedPosition,
  groupByStatus,
  hiddenByFilters,
  type ListFilters,
  matchesFilters,
  POSITION_GAP,
  patchCounts,
  patchLists,
  placeTask,
  removeTask,
  replaceTask,
  withoutStatus,
} from './board';
import { aTask } from './testing';

const task = aTask;
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

describe('hiddenByFilters (quick add)', () => {
  const urgent = task('a', 'todo', { priority: 'urgent' });
  it('is false with no filters, or filters the task matches', () => {
    expect(hiddenByFilters(urgent, {})).toBe(false);
    expect(hiddenByFilters(urgent, { priority: 'urgent', status: 'todo' })).toBe(false);
  });
  it('is true when a field filter leaves the task out', () => {
    expect(hiddenByFilters(urgent, { priority: 'low' })).toBe(true);
    expect(hiddenByFilters(urgent, { assigneeId: 'someone' })).toBe(true);
  });
  it('is true under any search: only the server knows whether it matches', () => {
    expect(hiddenByFilters(urgent, { q: 'Task' })).toBe(true);
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

describe('moves: compareTasks and placeTask', () => {
  const a = task('a', 'todo', { created_at: '2030-01-03T00:00:00Z', priority: 'low' });
  const b = task('b', 'todo', { created_at: '2030-01-02T00:00:00Z', priority: 'urgent' });
  const c = task('c', 'todo', { created_at: '2030-01-01T00:00:00Z', due_date: '2030-02-01' });

  it('orders like the server: key, then id, in the sort direction; no due date last', () => {
    const ids = (sort: Parameters<typeof compareTasks>[0]) =>
      [c, a, b].sort(compareTasks(sort)).map((t) => t.id);
    expect(ids('-created_at')).toEqual(['a', 'b', 'c']);
    expect(ids('created_at')).toEqual(['c', 'b', 'a']);
    expect(ids('-priority')).toEqual(['b', 'c', 'a']);
    expect(ids('due_date')).toEqual(['c', 'a', 'b']);
    const twin = task('0', 'todo', { created_at: a.created_at });
    expect([a, twin].sort(compareTasks('-created_at')).map((t) => t.id)).toEqual(['a', '0']);
  });

  it('places a task at its place across pages, once, without changing the page count', () => {
    const moved = task('m', 'todo', { created_at: '2030-01-02T12:00:00Z' });
    const pages = [page([a], 'c1'), page([b, c])];
    const placed = placeTask(pages, moved, '-created_at');
    expect(placed.map((p) => p.items.map((t) => t.id))).toEqual([['a'], ['m', 'b', 'c']]);
    expect(placed[0]).toBe(pages[0]);
    expect(placeTask(placed, moved, '-created_at')).toEqual(placed);
  });

  it('puts a task that sorts after everything loaded at the end, so it shows at once', () => {
    const old = task('o', 'todo', { created_at: '2020-01-01T00:00:00Z' });
    const placed = placeTask([page([a, b], 'more')], old, '-created_at');
    expect(placed[0]?.items.map((t) => t.id)).toEqual(['a', 'b', 'o']);
    expect(placed[0]?.next_cursor).toBe('more');
  });
});

describe('moves: patchLists', () => {
  const filters = (status: Task['status'] | undefined, extra: Partial<ListFilters> = {}) => ({
    status,
    sort: '-created_at' as const,
    ...extra,
  });
  const moving = task('1', 'todo', { created_at: '2030-01-02T00:00:00Z' });
  const other = task('2', 'in_progress', { created_at: '2030-01-03T00:00:00Z' });
  const lists = (q?: string): CachedList[] => [
    { filters: filters('todo', { q }), pages: [page([moving])] },
    { filters: filters('in_progress', { q }), pages: [page([other])] },
    { filters: filters('done', { q }), pages: [page([])] },
  ];

  it('moves the one task from its column to the new one, and leaves the third alone', () => {
    const patches = patchLists(lists(), { ...moving, status: 'in_progress' });
    expect(patches[0]).toEqual({ kind: 'set', value: [page([])] });
    expect(patches[1]).toEqual({
      kind: 'set',
      value: [page([other, { ...moving, status: 'in_progress' }])],
    });
    expect(patches[2]).toEqual({ kind: 'keep' });
  });

  it('rolls back with the same call (the task as the server has it)', () => {
    const optimistic = lists().map((list, i) => {
      const patch = patchLists(lists(), { ...moving, status: 'done' })[i];
      return patch?.kind === 'set' ? { ...list, pages: patch.value } : list;
    });
    const back = patchLists(optimistic, moving);
    expect(
      back.map((p) => (p.kind === 'set' ? p.value[0]?.items.map((t) => t.id) : p.kind)),
    ).toEqual([['1'], 'keep', []]);
  });

  it('replaces the task in place with the server answer (new version)', () => {
    const answer = { ...moving, version: 2 };
    const [patch] = patchLists(lists(), answer);
    expect(patch).toEqual({ kind: 'set', value: [page([answer])] });
  });

  it('follows a search the task was seen to match, and marks unknown searches stale', () => {
    const known = patchLists(lists('brief'), { ...moving, status: 'done' });
    expect(known[2]).toEqual({ kind: 'set', value: [page([{ ...moving, status: 'done' }])] });
    const mixed: CachedList[] = [
      { filters: filters('todo'), pages: [page([moving])] },
      { filters: filters('done', { q: 'logo' }), pages: [page([])] },
      { filters: filters('todo', { q: 'logo' }), pages: [page([moving])] },
      { filters: filters('done', { q: 'other' }), pages: [page([])] },
    ];
    const patches = patchLists(mixed, { ...moving, status: 'done' });
    expect(patches[1]?.kind).toBe('set');
    expect(patches[3]).toEqual({ kind: 'keep' });
    const unseen: CachedList[] = [
      { filters: filters('todo'), pages: [page([moving])] },
      { filters: filters('todo', { q: 'never' }), pages: [page([moving])] },
    ];
    expect(patchLists(unseen, { ...moving, status: 'done' })[1]?.kind).toBe('set');
  });

  it('never puts a task into a list its other filters exclude', () => {
    const urgent: CachedList = {
      filters: filters('in_progress', { priority: 'urgent' }),
      pages: [page([])],
    };
    expect(patchLists([urgent], { ...moving, status: 'in_progress' })).toEqual([{ kind: 'keep' }]);
  });

  it('puts a task at the top of a "recently updated" column', () => {
    const list: CachedList = {
      filters: filters('in_progress', { sort: '-updated_at' }),
      pages: [page([other])],
    };
    const moved = { ...moving, status: 'in_progress' as const, updated_at: '2031-01-01T00:00:00Z' };
    expect(patchLists([list], moved)).toEqual([{ kind: 'set', value: [page([moved, other])] }]);
  });

  it('finds the cached task', () => {
    expect(cachedTask(lists(), '1')).toBe(moving);
    expect(cachedTask(lists(), 'x')).toBeUndefined();
  });
});

describe('moves: patchCounts', () => {
  const counts = { todo: 2, in_progress: 1, done: 0, total: 3 };
  const moved = task('1', 'done');

  it('moves one from the old status to the new; the total stays', () => {
    expect(patchCounts(counts, {}, moved, 'todo', new Set(['']))).toEqual({
      kind: 'set',
      value: { todo: 1, in_progress: 1, done: 1, total: 3 },
    });
  });

  it('leaves counts whose filters exclude the task, and marks unknown searches stale', () => {
    expect(patchCounts(counts, { priority: 'urgent' }, moved, 'todo', new Set(['']))).toEqual({
      kind: 'keep',
    });
    expect(patchCounts(counts, { q: 'logo' }, moved, 'todo', new Set(['']))).toEqual({
      kind: 'stale',
    });
    expect(patchCounts(counts, { q: 'logo' }, moved, 'todo', new Set(['logo'])).kind).toBe('set');
    expect(patchCounts(counts, {}, moved, 'done', new Set(['']))).toEqual({ kind: 'keep' });
  });
});

describe('the board order (ADR 0106)', () => {
  const G = POSITION_GAP;
  const a = task('a', 'todo', { position: 0 });
  const b = task('b', 'todo', { position: G });
  const c = task('c', 'todo', { position: 2 * G });
  const ids = (tasks: Task[]) => tasks.map((t) => t.id);

  it('sorts by position going up, then by id', () => {
    const twin = task('0', 'todo', { position: G });
    expect(ids([c, b, a, twin].sort(compareTasks('position')))).toEqual(['a', '0', 'b', 'c']);
  });

  it('expects the position the server gives: midpoint, a gap above the top or below the end', () => {
    const column = [a, b, c];
    expect(expectedPosition(column, 'c', 'a')).toBe(G / 2);
    expect(expectedPosition(column, 'a', null)).toBe(G - G);
    expect(expectedPosition(column, 'c', null)).toBe(-G);
    expect(expectedPosition(column, 'a', 'c')).toBe(3 * G);
    expect(expectedPosition(column, 'a', 'b')).toBe(G + G / 2);
    expect(expectedPosition([], 'a', null)).toBe(0);
    // No integer left between the neighbours: the server renumbers; the client keeps the order.
    const tight = [task('p', 'todo', { position: 5 }), task('q', 'todo', { position: 6 })];
    expect(expectedPosition(tight, 'x', 'p')).toBe(5.5);
    // Its own place does not count as a neighbour.
    expect(expectedPosition([a, b, c], 'b', 'a')).toBe(G);
  });

  it('puts a task moved within a column at its new place in the lists in board order', () => {
    const list: CachedList = {
      filters: { status: 'todo', sort: 'position' },
      pages: [page([a, b], 'more'), page([c])],
    };
    const moved = { ...c, position: G / 2, version: 2 };
    const [patch] = patchLists([list], moved);
    expect(patch?.kind === 'set' && patch.value.map((p) => ids(p.items))).toEqual([
      ['a', 'c', 'b'],
      [],
    ]);
    // Same position (another field changed): replaced where it is.
    const edited = { ...b, title: 'New title', version: 2 };
    expect(patchLists([list], edited)[0]).toEqual({
      kind: 'set',
      value: [page([a, edited], 'more'), page([c])],
    });
  });

  it('puts a new task (quick add) at the top, where the server does', () => {
    const created = task('n', 'todo', { position: expectedPosition([a, b, c], 'n', null) });
    expect(ids(placeTask([page([a, b, c])], created, 'position')[0]?.items ?? [])).toEqual([
      'n',
      'a',
      'b',
      'c',
    ]);
  });
});
