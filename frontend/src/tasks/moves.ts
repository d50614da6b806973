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
 */
export type MoveOutcome =
  | { kind: 'moved'; task: Task; from: TaskStatus; undo: boolean }
  | { kind: 'conflict'; title: string; to: TaskStatus; current: Task }
  | { kind: 'deleted'; title: string; to: TaskStatus }
  | { kind: 'failed'; title: string; to: TaskStatus; from: TaskStatus; message: string };

export interface MoveVariables {
  /** The task as the user saw it when they moved it. */
  task: Task;
  to: TaskStatus;
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
    mutationFn: async ({ task, to }: MoveVariables) => {
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
          body: { status: to },
        }),
      );
      ownVersions.current.set(`${task.id}@${version}`, updated.version);
      return updated;
    },
    onMutate: async ({ task, to }: MoveVariables) => {
      // A list read in flight would bring the old column back over the optimistic one.
      await queryClient.cancelQueries({ queryKey: taskKeys.lists(projectId) });
      const moved: Task = { ...task, status: to, updated_at: new Date().toISOString() };
      const before = writeTask(queryClient, projectId, moved) ?? task;
      return { before };
    },
    onSuccess: (updated, { undo }, context) => {
      if (!laterMove(updated.id)) writeTask(queryClient, projectId, updated);
      report.current({ kind: 'moved', task: updated, from: context.before.status, undo: !!undo });
    },
    onError: async (error, { task, to }, context) => {
      const before = context?.before ?? task;
      const later = laterMove(task.id);
      let failure: unknown = error;
      if (error instanceof ApiError && error.status === 404) {
        forgetTask(queryClient, projectId, task.id);
        report.current({ kind: 'deleted', title: task.title, to });
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
