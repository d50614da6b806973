import type { Task, TaskCounts, TaskPage, TaskSort, TaskStatus } from '../api/types';

export type Columns = Record<TaskStatus, Task[]>;

/**
 * Flattens the loaded cursor pages into the board's columns. Keeps the server's order, and
 * keeps each task once: after a task changes, a later page can repeat it (keyset pagination
 * over a moving list), and the first occurrence (the newest read) wins.
 */
export function groupByStatus(pages: readonly TaskPage[]): Columns {
  const columns: Columns = { todo: [], in_progress: [], done: [] };
  const seen = new Set<string>();
  for (const page of pages) {
    for (const task of page.items) {
      if (seen.has(task.id)) continue;
      seen.add(task.id);
      columns[task.status].push(task);
    }
  }
  return columns;
}

/** Replaces one task in the cached pages (after an edit), dropping it where filters exclude it. */
export function replaceTask(
  pages: readonly TaskPage[],
  updated: Task,
  stillMatches: (task: Task) => boolean,
): TaskPage[] {
  return pages.map((page) => ({
    ...page,
    items: page.items.flatMap((task) => {
      if (task.id !== updated.id) return [task];
      return stillMatches(updated) ? [updated] : [];
    }),
  }));
}

/** Drops a deleted task from the cached pages, so no list shows it while it refetches. */
export function removeTask(pages: readonly TaskPage[], taskId: string): TaskPage[] {
  return pages.map((page) =>
    page.items.some((task) => task.id === taskId)
      ? { ...page, items: page.items.filter((task) => task.id !== taskId) }
      : page,
  );
}

export interface TaskFilters {
  status?: TaskStatus | undefined;
  priority?: Task['priority'] | undefined;
  assigneeId?: string | undefined;
  q?: string | undefined;
}

/** Whether a task still belongs in a list filtered this way (search text is the server's job). */
export function matchesFilters(task: Task, filters: TaskFilters): boolean {
  if (filters.status && task.status !== filters.status) return false;
  if (filters.priority && task.priority !== filters.priority) return false;
  if (filters.assigneeId && task.assignee_id !== filters.assigneeId) return false;
  return true;
}

/**
 * Whether the board's filters keep a task off it: its fields do not match, or a search is on
 * (only the server can tell whether a new task matches it).
 */
export function hiddenByFilters(task: Task, filters: TaskFilters): boolean {
  return !matchesFilters(task, filters) || Boolean(filters.q);
}

/** The filters the counts take: the board's, but status (each column counts one status). */
export type CountFilters = Omit<TaskFilters, 'status'>;

/** The filters without status, with no empty entries, so equal filters make equal query keys. */
export function withoutStatus(filters: TaskFilters): CountFilters {
  const result: CountFilters = {};
  if (filters.priority) result.priority = filters.priority;
  if (filters.assigneeId) result.assigneeId = filters.assigneeId;
  if (filters.q) result.q = filters.q;
  return result;
}

/**
 * One column's tasks from its cursor pages: the server's order, each task once (the first
 * occurrence, the newest read, wins), and only tasks still of the column's status (a task
 * moved since the page was read belongs to another column now).
 */
export function columnTasks(pages: readonly TaskPage[], status: TaskStatus): Task[] {
  return groupByStatus(pages)[status];
}

// ---------------------------------------------------------------------------------------------
// Moves (issue 10, bug 5): the cache patch for one task, instead of refetching every page.

/** The filters and sort of one cached list, as its query key holds them (hooks.ts). */
export type ListFilters = TaskFilters & { sort: TaskSort };

/** One cached list: its filters and its loaded cursor pages. */
export interface CachedList {
  filters: ListFilters;
  pages: readonly TaskPage[];
}

const PRIORITY_RANK: Record<Task['priority'], number> = { low: 1, medium: 2, high: 3, urgent: 4 };
/** The API's key for due dates: tasks without one come last (models.DUE_DATE_KEY_SQL). */
const NO_DUE_DATE = '3000-01-01';

function sortKey(task: Task, sort: TaskSort): number | string {
  switch (sort) {
    case '-created_at':
    case 'created_at':
      return Date.parse(task.created_at);
    case '-updated_at':
      return Date.parse(task.updated_at);
    case 'due_date':
      return task.due_date ?? NO_DUE_DATE;
    case '-priority':
      return PRIORITY_RANK[task.priority];
    case 'position':
      return task.position;
  }
}

/**
 * The server's order for a sort (tasks/repository.py): the sort key, then the id, both in the
 * sort's direction. `position` (the board's own order, ADR 0106) goes up: lower is higher.
 */
export function compareTasks(sort: TaskSort): (a: Task, b: Task) => number {
  const descending = sort.startsWith('-');
  return (a, b) => {
    const ka = sortKey(a, sort);
    const kb = sortKey(b, sort);
    const order = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return descending ? -order : order;
  };
}

/**
 * Puts a task into a list's loaded pages at its place in the server's order. A task that sorts
 * after everything loaded goes at the end of the last page, so it shows at once; should a later
 * page bring it again, the board shows it once (`groupByStatus`).
 */
export function placeTask(pages: readonly TaskPage[], task: Task, sort: TaskSort): TaskPage[] {
  const out = removeTask(pages, task.id);
  if (out.length === 0) return out;
  const before = compareTasks(sort);
  for (const [p, page] of out.entries()) {
    const at = page.items.findIndex((item) => before(task, item) < 0);
    if (at >= 0) {
      out[p] = { ...page, items: [...page.items.slice(0, at), task, ...page.items.slice(at)] };
      return out;
    }
  }
  const last = out.length - 1;
  const page = out[last] as TaskPage;
  out[last] = { ...page, items: [...page.items, task] };
  return out;
}

function contains(pages: readonly TaskPage[], taskId: string): boolean {
  return pages.some((page) => page.items.some((task) => task.id === taskId));
}

/** The task as a set of cached lists has it (the first list that holds it), if any. */
export function cachedTask(lists: readonly CachedList[], taskId: string): Task | undefined {
  for (const list of lists) {
    for (const page of list.pages) {
      const task = page.items.find((item) => item.id === taskId);
      if (task) return task;
    }
  }
  return undefined;
}

/**
 * Whether a task belongs in a list (or counts) under these filters: `true`, `false`, or
 * `'unknown'` when only the server can tell (a search the task was never seen to match). A
 * move changes neither title nor description, so a search that found the task finds it still.
 */
function belongs(task: Task, filters: TaskFilters, searches: ReadonlySet<string>) {
  if (!matchesFilters(task, filters)) return false;
  if (filters.q && !searches.has(filters.q)) return 'unknown';
  return true;
}

/** What to do with one cached list or count: its new value, leave it, or mark it stale. */
export type Patch<T> = { kind: 'set'; value: T } | { kind: 'keep' } | { kind: 'stale' };

/**
 * Writes one task, as it is now, into every cached list: replaced in place where it was and
 * still belongs, placed in the server's order where it now belongs (the column it moved to),
 * dropped where it no longer does. Lists only the server can decide on (a search the task was
 * never seen in) are marked stale, to be read again when next shown; no list is refetched.
 */
export function patchLists(lists: readonly CachedList[], task: Task): Patch<TaskPage[]>[] {
  const searches = searchesHolding(lists, task.id);
  return lists.map((list): Patch<TaskPage[]> => {
    const present = contains(list.pages, task.id);
    const fits = belongs(task, list.filters, searches);
    if (fits === 'unknown') return present ? { kind: 'stale' } : { kind: 'keep' };
    if (!fits) return present ? { kind: 'set', value: removeTask(list.pages, task.id) } : keep;
    if (present && list.filters.sort !== '-updated_at' && !repositioned(list, task)) {
      return { kind: 'set', value: replaceTask(list.pages, task, () => true) };
    }
    return { kind: 'set', value: placeTask(list.pages, task, list.filters.sort) };
  });
}
const keep = { kind: 'keep' } as const;

/** Whether a list in the board's order holds the task at another position than it has now. */
function repositioned(list: CachedList, task: Task): boolean {
  if (list.filters.sort !== 'position') return false;
  return cachedTask([list], task.id)?.position !== task.position;
}

// ---------------------------------------------------------------------------------------------
// The board's order (ADR 0106): the client's mirror of tasks/placement.py.

/** The server's gap between positions (models.POSITION_GAP). */
export const POSITION_GAP = 2 ** 20;

/**
 * The position the server will give a task placed in a column (shown in the board's order)
 * right after `afterId`, or at its top when `afterId` is null: the midpoint between the
 * neighbours, a gap above the first, a gap below the last. Where the neighbours have no integer
 * left between them the server renumbers the column; the client takes the midpoint all the
 * same (its order is what counts), and the server's answer replaces it.
 */
export function expectedPosition(
  column: readonly Task[],
  taskId: string,
  afterId: string | null,
): number {
  const others = column.filter((t) => t.id !== taskId);
  if (afterId === null) {
    const first = others[0];
    return first === undefined ? 0 : first.position - POSITION_GAP;
  }
  const at = others.findIndex((t) => t.id === afterId);
  const after = others[at];
  if (after === undefined) return others.at(-1)?.position ?? 0;
  const next = others[at + 1];
  if (next === undefined) return after.position + POSITION_GAP;
  return after.position + Math.max(0.5, Math.floor((next.position - after.position) / 2));
}

/** The counts of one cached filter set after a task moved from one status to another. */
export function patchCounts(
  counts: TaskCounts,
  filters: CountFilters,
  task: Task,
  from: TaskStatus,
  searches: ReadonlySet<string>,
): Patch<TaskCounts> {
  if (from === task.status) return keep;
  const fits = belongs(task, filters, searches);
  if (fits === 'unknown') return { kind: 'stale' };
  if (!fits) return keep;
  return {
    kind: 'set',
    value: {
      ...counts,
      [from]: Math.max(0, counts[from] - 1),
      [task.status]: counts[task.status] + 1,
    },
  };
}

/** The searches (`''` for none) of the cached lists that hold the task. */
export function searchesHolding(lists: readonly CachedList[], taskId: string): Set<string> {
  return new Set(
    lists.filter((list) => contains(list.pages, taskId)).map((list) => list.filters.q ?? ''),
  );
}
