import {
  type InfiniteData,
  type QueryClient,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiError, api, messageOf, unwrap } from '../api';
import type { Task, TaskCounts, TaskPage, TaskStatus } from '../api/types';
import {
  type CachedList,
  type CountFilters,
  cachedTask,
  columnTasks,
  expectedPosition,
  type ListFilters,
  patchCounts,
  patchLists,
  removeTask,
  searchesHolding,
} from './board';
import { etag, taskKeys } from './hooks';

/**
 * Moves between columns (issue 10, bug 5): optimistic, one request, no refetch.
 *
 * - `onMutate` writes the task with its new status into every cached list and count at once
 *   (board.ts `patchLists`/`patchCounts`): the card is in its new column before the request
 *   leaves, and nothing greys out.
 * - The request is the PATCH of that task alone. Its If-Match is the version the user saw when
 *   they moved the card, carried forward through this tab's own earlier moves of it (so a
 *   second move, or an undo, made before the first one's answer goes out with the version the
 *   first one produced), never a version someone else wrote meanwhile.
 * - The answer is written back for that task only; no list is invalidated.
 * - 412: the task is read again (one GET) and shown where the server has it; the caller gets
 *   the current task, to name who changed it. Any other failure puts the card back.
 * - Moves run one after the other (one scope per project), in the order they were made.
 * - In the board's order (ADR 0106) a move names its place: `after_id`, the card above it in
 *   the column (null: the top). The optimistic write gives the task the position the server
 *   will give it (board.ts `expectedPosition`). 409: the card above moved to another column
 *   meanwhile; the move is rolled back, and the caller gets that card as it is now.
 */
export type MoveOutcome =
  | {
      kind: 'moved';
      task: Task;
      from: TaskStatus;
      undo: boolean;
      /** The place it was given (`after_id` sent), if any. */
      afterId?: string | null | undefined;
      /** Where it was: the card above it then (null: the top), for Undo. */
      undoAfterId?: string | null | undefined;
    }
  | { kind: 'conflict'; title: string; to: TaskStatus; current: Task }
  | { kind: 'neighbour'; title: string; to: TaskStatus; neighbour: Task | undefined }
  | { kind: 'deleted'; title: string; to: TaskStatus }
  | { kind: 'failed'; title: string; to: TaskStatus; from: TaskStatus; message: string };

export interface MoveVariables {
  /** The task as the user saw it when they moved it. */
  task: Task;
  to: TaskStatus;
  /**
   * Its place in the column `to` (board order): right after this task, or at the top (null).
   * Absent: no place asked for (the server puts a task that changes column at its top).
   */
  afterId?: string | null | undefined;
  /** The card that was above it before the move (null: it was at the top), for Undo. */
  undoAfterId?: string | null | undefined;
  /** An undo of the previous move (the notice words it so). */
  undo?: boolean;
}

type ListData = InfiniteData<TaskPage, string | null>;

/** The cached lists of a project, with their query keys. */
function cachedLists(queryClient: QueryClient, projectId: string) {
  return queryClient
    .getQueriesData<ListData>({ queryKey: taskKeys.lists(projectId) })
    .flatMap(([key, data]) =>
      data ? [{ key, data, list: { filters: key[4] as ListFilters, pages: data.pages } }] : [],
    );
}

/**
 * Writes one task, as it now is, into the project's cached lists, counts and detail: no
 * request, no refetch (lists only the server can decide on are marked stale, not refetched).
 * Returns the task as the lists had it before, if they had it.
 */
export function writeTask(
  queryClient: QueryClient,
  projectId: string,
  task: Task,
): Task | undefined {
  const entries = cachedLists(queryClient, projectId);
  const lists: CachedList[] = entries.map((entry) => entry.list);
  const before = cachedTask(lists, task.id);
  const searches = searchesHolding(lists, task.id);
  const patches = patchLists(lists, task);
  entries.forEach(({ key, data }, index) => {
    const patch = patches[index];
    if (patch?.kind === 'set')
      queryClient.setQueryData<ListData>(key, { ...data, pages: patch.value });
    if (patch?.kind === 'stale') {
      void queryClient.invalidateQueries({ queryKey: key, exact: true, refetchType: 'none' });
    }
  });
  if (before && before.status !== task.status) {
    for (const [key, counts] of queryClient.getQueriesData<TaskCounts>({
      queryKey: taskKeys.allCounts(projectId),
    })) {
      if (!counts) continue;
      const patch = patchCounts(counts, key[4] as CountFilters, task, before.status, searches);
      if (patch.kind === 'set') queryClient.setQueryData<TaskCounts>(key, patch.value);
      if (patch.kind === 'stale') {
        void queryClient.invalidateQueries({ queryKey: key, exact: true, refetchType: 'none' });
      }
    }
  }
  queryClient.setQueryData<Task>(taskKeys.one(projectId, task.id), (old) => old && task);
  return before;
}

/** Takes a task that no longer exists out of every list; the counts are read again. */
export function forgetTask(queryClient: QueryClient, projectId: string, taskId: string): void {
  queryClient.setQueriesData<ListData>(
    { queryKey: taskKeys.lists(projectId) },
    (data) => data && { ...data, pages: removeTask(data.pages, taskId) },
  );
  queryClient.removeQueries({ queryKey: taskKeys.one(projectId, taskId) });
  void queryClient.invalidateQueries({ queryKey: taskKeys.allCounts(projectId) });
}

/** The newest version of a task this tab has: in a cached list, or its own query. */
export function cachedVersion(
  queryClient: QueryClient,
  projectId: string,
  taskId: string,
): number | undefined {
  const lists = cachedLists(queryClient, projectId).map((entry) => entry.list);
  const versions = [
    cachedTask(lists, taskId)?.version,
    queryClient.getQueryData<Task>(taskKeys.one(projectId, taskId))?.version,
  ].filter((v): v is number => v !== undefined);
  return versions.length > 0 ? Math.max(...versions) : undefined;
}

/** The board-order lists of one column among the cached ones, unfiltered ones first. */
function orderedColumns(queryClient: QueryClient, projectId: string, status: TaskStatus) {
  const filtered = (f: ListFilters) => Boolean(f.priority || f.assigneeId || f.q);
  return cachedLists(queryClient, projectId)
    .filter(({ list }) => list.filters.sort === 'position' && list.filters.status === status)
    .sort((a, b) => Number(filtered(a.list.filters)) - Number(filtered(b.list.filters)));
}

/**
 * The position a move will give the task, as the server will work it out from the column the
 * board shows (a list in the board's order that holds the card above, or any for the top).
 * Unchanged when nothing is placed, or when no cached list shows that column in order.
 */
export function movedPosition(
  queryClient: QueryClient,
  projectId: string,
  { task, to, afterId }: MoveVariables,
): number {
  const place = afterId === undefined && to !== task.status ? null : afterId;
  if (place === undefined) return task.position;
  const column = orderedColumns(queryClient, projectId, to)
    .map(({ list }) => columnTasks(list.pages, to))
    .find((tasks) => place === null || tasks.some((t) => t.id === place));
  return column ? expectedPosition(column, task.id, place) : task.position;
}

/**
 * After the server's answer is written: the board-order lists where the task does not sit right
 * after the card it was placed after (the server renumbered the column, so the positions cached
 * for the others are old) are read again. Rare: once per some twenty moves into one gap.
 */
export function refetchRenumbered(
  queryClient: QueryClient,
  projectId: string,
  task: Task,
  afterId: string | null,
): void {
  for (const { key, list } of orderedColumns(queryClient, projectId, task.status)) {
    const tasks = columnTasks(list.pages, task.status);
    const at = tasks.findIndex((t) => t.id === task.id);
    if (at < 0 || (afterId !== null && !tasks.some((t) => t.id === afterId))) continue;
    const above = at === 0 ? null : (tasks[at - 1]?.id ?? null);
    if (above !== afterId) void queryClient.invalidateQueries({ queryKey: key, exact: true });
  }
}

export const moveKey = (projectId: string) => [...taskKeys.all(projectId), 'move'] as const;

export function useMoveTask(projectId: string, onOutcome: (outcome: MoveOutcome) => void) {
  const queryClient = useQueryClient();
  const report = useRef(onOutcome);
  report.current = onOutcome;
  // "<task id>@<version sent>" -> the version this tab's own move of it produced.
  const ownVersions = useRef(new Map<string, number>());
  /** Whether another move of the same task is still on its way (it will write the result). */
  const laterMove = (taskId: string) =>
    queryClient.isMutating({
      mutationKey: moveKey(projectId),
      predicate: (m) => (m.state.variables as MoveVariables | undefined)?.task.id === taskId,
    }) > 1;

  return useMutation({
    mutationKey: moveKey(projectId),
    scope: { id: `task-moves:${projectId}` },
    mutationFn: async ({ task, to, afterId }: MoveVariables) => {
      let version = task.version;
      for (;;) {
        const next = ownVersions.current.get(`${task.id}@${version}`);
        if (next === undefined) break;
        version = next;
      }
      const updated = unwrap(
        await api.PATCH('/api/projects/{project_id}/tasks/{task_id}', {
          params: {
            path: { project_id: projectId, task_id: task.id },
            header: { 'if-match': etag(version) },
          },
          body: afterId === undefined ? { status: to } : { status: to, after_id: afterId },
        }),
      );
      ownVersions.current.set(`${task.id}@${version}`, updated.version);
      return updated;
    },
    onMutate: async (variables: MoveVariables) => {
      const { task, to } = variables;
      // A list read in flight would bring the old column back over the optimistic one.
      await queryClient.cancelQueries({ queryKey: taskKeys.lists(projectId) });
      const moved: Task = {
        ...task,
        status: to,
        position: movedPosition(queryClient, projectId, variables),
        updated_at: new Date().toISOString(),
      };
      const before = writeTask(queryClient, projectId, moved) ?? task;
      return { before };
    },
    onSuccess: (updated, { undo, afterId, undoAfterId }, context) => {
      if (!laterMove(updated.id)) {
        writeTask(queryClient, projectId, updated);
        if (afterId !== undefined) refetchRenumbered(queryClient, projectId, updated, afterId);
      }
      report.current({
        kind: 'moved',
        task: updated,
        from: context.before.status,
        undo: !!undo,
        afterId,
        undoAfterId,
      });
    },
    onError: async (error, { task, to, afterId }, context) => {
      const before = context?.before ?? task;
      const later = laterMove(task.id);
      let failure: unknown = error;
      if (error instanceof ApiError && error.status === 404) {
        forgetTask(queryClient, projectId, task.id);
        report.current({ kind: 'deleted', title: task.title, to });
        return;
      }
      if (error instanceof ApiError && error.status === 409 && typeof afterId === 'string') {
        // The card above the drop place went to another column meanwhile: back where it was,
        // and the card above shown where it is now (to say who moved it).
        if (!later) writeTask(queryClient, projectId, before);
        let neighbour: Task | undefined;
        try {
          neighbour = unwrap(
            await api.GET('/api/projects/{project_id}/tasks/{task_id}', {
              params: { path: { project_id: projectId, task_id: afterId } },
            }),
          );
          writeTask(queryClient, projectId, neighbour);
        } catch {
          neighbour = undefined;
        }
        report.current({ kind: 'neighbour', title: task.title, to, neighbour });
        return;
      }
      if (error instanceof ApiError && error.status === 412) {
        // Someone else changed it: show it where the server has it, and say who.
        try {
          const current = unwrap(
            await api.GET('/api/projects/{project_id}/tasks/{task_id}', {
              params: { path: { project_id: projectId, task_id: task.id } },
            }),
          );
          if (!later) writeTask(queryClient, projectId, current);
          report.current({ kind: 'conflict', title: task.title, to, current });
          return;
        } catch (reread) {
          if (reread instanceof ApiError && reread.status === 404) {
            forgetTask(queryClient, projectId, task.id);
            report.current({ kind: 'deleted', title: task.title, to });
            return;
          }
          failure = reread;
        }
      }
      if (!later) writeTask(queryClient, projectId, before);
      report.current({
        kind: 'failed',
        title: task.title,
        to,
        from: before.status,
        message: messageOf(failure),
      });
    },
  });
}
