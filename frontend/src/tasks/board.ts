import type { Task, TaskPage, TaskStatus } from '../api/types';

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
