import { type Query, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { activityKeys } from '../activity/api';
import { api } from '../api';
import type { Task } from '../api/types';
import { projectKeys } from '../projects/hooks';
import { taskKeys } from './hooks';
import {
  type ChangeEvent,
  countsToRefresh,
  decideChange,
  type LiveState,
  POLL_INTERVAL_MS,
} from './live';
import { followProjectEvents } from './liveStream';
import { cachedVersion, forgetTask, type MoveVariables, moveKey, writeTask } from './moves';

export interface ProjectEvents {
  state: LiveState;
  /** For the project's queries: read again every 10 s while the stream is down, else never. */
  pollInterval: number | false;
}

/** The key of a task form's own writes (TaskPages.tsx): the stream leaves their task alone. */
export const taskWriteKey = (projectId: string, taskId: string) =>
  [...taskKeys.one(projectId, taskId), 'write'] as const;

/**
 * Live updates of one project (issue 11, docs/decisions/0104) for as long as the project is
 * shown: follows its event stream and turns each event into cache work, the least there is:
 * a changed task is read alone and written into every cached list, count and open form
 * (`writeTask`), a deleted one taken out, the members read again on a membership change. While
 * the stream is down the project's queries poll (`pollInterval`).
 */
export function useProjectEvents(
  projectId: string,
  { enabled, me, onRemoved }: { enabled: boolean; me: string | undefined; onRemoved: () => void },
): ProjectEvents {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef({ me, onRemoved });
  latest.current = { me, onRemoved };

  useEffect(() => {
    if (!enabled) return;
    // One event at a time, in order: each decision sees what the one before it wrote.
    let queue = Promise.resolve();
    const close = followProjectEvents(projectId, {
      state: setState,
      fresh: (openedAt) => {
        // Changes made before the stream opened were not streamed: read again what was read
        // before it (what is being read now, or later, already has them).
        void queryClient.invalidateQueries({
          queryKey: taskKeys.all(projectId),
          predicate: (query) => readBefore(query, openedAt),
        });
        void queryClient.invalidateQueries({
          queryKey: projectKeys.members(projectId),
          predicate: (query) => readBefore(query, openedAt),
        });
      },
      change: (change) => {
        queue = queue
          .then(() => applyChange(queryClient, projectId, change, latest.current.me))
          .catch((error: unknown) => {
            console.warn('live update not applied; reading the board again', error);
            void queryClient.invalidateQueries({ queryKey: taskKeys.all(projectId) });
          });
      },
      reset: () => {
        void queryClient.invalidateQueries({ queryKey: taskKeys.all(projectId) });
        void queryClient.invalidateQueries({ queryKey: activityKeys.project(projectId) });
        void queryClient.invalidateQueries({ queryKey: projectKeys.members(projectId) });
      },
      removed: () => latest.current.onRemoved(),
    });
    return close;
  }, [enabled, projectId, queryClient]);

  return { state, pollInterval: state === 'polling' ? POLL_INTERVAL_MS : false };
}

function readBefore(query: Query, time: number): boolean {
  return query.state.dataUpdatedAt > 0 && query.state.dataUpdatedAt < time;
}

/** Whether this tab is writing the task now (a move, or the task form's save or delete). */
function writing(queryClient: QueryClient, projectId: string, taskId: string): boolean {
  const moving = queryClient.isMutating({
    mutationKey: moveKey(projectId),
    predicate: (m) => (m.state.variables as MoveVariables | undefined)?.task.id === taskId,
  });
  return moving > 0 || queryClient.isMutating({ mutationKey: taskWriteKey(projectId, taskId) }) > 0;
}

async function applyChange(
  queryClient: QueryClient,
  projectId: string,
  change: ChangeEvent,
  me: string | undefined,
): Promise<void> {
  const decide = () =>
    decideChange(change, {
      me,
      versionOf: (taskId) => cachedVersion(queryClient, projectId, taskId),
      writing: (taskId) => writing(queryClient, projectId, taskId),
    });
  let action = decide();
  if (action.kind === 'none' && action.why === 'own-write-in-flight' && 'task_id' in change) {
    // Decided again once this tab's write is answered: the event may be newer than its answer.
    await settled(queryClient, () => !writing(queryClient, projectId, change.task_id));
    action = decide();
  }
  // The project's feed (if read) lists every change.
  void queryClient.invalidateQueries({ queryKey: activityKeys.project(projectId) });
  switch (action.kind) {
    case 'none':
      return;
    case 'comments':
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.comments(projectId, action.taskId) }),
        queryClient.invalidateQueries({ queryKey: taskKeys.activity(projectId, action.taskId) }),
        refreshCommentCount(queryClient, projectId, action.taskId),
      ]);
      return;
    case 'members':
      await queryClient.invalidateQueries({ queryKey: projectKeys.members(projectId) });
      // A change of this user's own role changes what the project lets them do.
      if (action.mine) {
        await queryClient.invalidateQueries({ queryKey: projectKeys.one(projectId), exact: true });
      }
      return;
    case 'forget-task':
      forgetTask(queryClient, projectId, action.taskId);
      return;
    case 'fetch-task': {
      void queryClient.invalidateQueries({ queryKey: taskKeys.activity(projectId, action.taskId) });
      const { data, response } = await api.GET('/api/projects/{project_id}/tasks/{task_id}', {
        params: { path: { project_id: projectId, task_id: action.taskId } },
      });
      if (response.status === 404) {
        forgetTask(queryClient, projectId, action.taskId);
        return;
      }
      if (!data) throw new Error(`GET task: HTTP ${response.status}`);
      // Read while a write of this tab's was answered: keep whichever is newer.
      const have = cachedVersion(queryClient, projectId, data.id);
      if (have !== undefined && have >= data.version) return;
      writeTaskAndCounts(queryClient, projectId, data);
      return;
    }
  }
}

/**
 * A comment changes its task's `comment_count` but not its version (ADR 0103): read the task
 * and write it into the board unless this tab already holds a newer version of it.
 */
async function refreshCommentCount(
  queryClient: QueryClient,
  projectId: string,
  taskId: string,
): Promise<void> {
  const { data } = await api.GET('/api/projects/{project_id}/tasks/{task_id}', {
    params: { path: { project_id: projectId, task_id: taskId } },
  });
  if (!data) return; // gone: the task's own event says so
  const have = cachedVersion(queryClient, projectId, data.id);
  if (have === undefined || have > data.version) return;
  writeTask(queryClient, projectId, data);
}

/** Resolves once `done()` holds, checked after each change of the tab's mutations (30 s at most). */
function settled(queryClient: QueryClient, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const cache = queryClient.getMutationCache();
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, 30_000);
    const unsubscribe = cache.subscribe(() => {
      if (done()) finish();
    });
  });
}

function writeTaskAndCounts(queryClient: QueryClient, projectId: string, task: Task): void {
  const before = writeTask(queryClient, projectId, task);
  const textChanged =
    before !== undefined &&
    (before.title !== task.title || before.description !== task.description);
  const refresh = countsToRefresh(before, task, textChanged);
  if (refresh === 'none') return;
  // Counts under filters the change may have moved the task into or out of ('all': any).
  void queryClient.invalidateQueries({
    queryKey: taskKeys.allCounts(projectId),
    predicate: (query) => refresh === 'all' || hasFilters(query.queryKey[4]),
  });
  // A search may find the task now, or no longer: only the server can tell.
  if (textChanged || before === undefined) {
    void queryClient.invalidateQueries({
      queryKey: taskKeys.lists(projectId),
      predicate: (query) => Boolean((query.queryKey[4] as { q?: string } | undefined)?.q),
    });
  }
}

function hasFilters(filters: unknown): boolean {
  return typeof filters === 'object' && filters !== null && Object.keys(filters).length > 0;
}
