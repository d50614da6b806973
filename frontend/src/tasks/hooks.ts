import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api';
import type { TaskSort, TaskStatus } from '../api/types';
import { type CountFilters, type TaskFilters, withoutStatus } from './board';

export const PAGE_SIZE = 30;

export const taskKeys = {
  all: (projectId: string) => ['projects', projectId, 'tasks'] as const,
  /** Every cached list of the project (each board column, under each filter and sort). */
  lists: (projectId: string) => ['projects', projectId, 'tasks', 'list'] as const,
  list: (projectId: string, filters: TaskFilters, sort: TaskSort) =>
    ['projects', projectId, 'tasks', 'list', { ...filters, sort }] as const,
  /** Every cached set of counts of the project. */
  allCounts: (projectId: string) => ['projects', projectId, 'tasks', 'counts'] as const,
  counts: (projectId: string, filters: CountFilters) =>
    ['projects', projectId, 'tasks', 'counts', filters] as const,
  one: (projectId: string, taskId: string) =>
    ['projects', projectId, 'tasks', 'one', taskId] as const,
  attachments: (projectId: string, taskId: string) =>
    ['projects', projectId, 'tasks', 'one', taskId, 'attachments'] as const,
  comments: (projectId: string, taskId: string) =>
    ['projects', projectId, 'tasks', 'one', taskId, 'comments'] as const,
  /** The task's history (its activity). */
  activity: (projectId: string, taskId: string) =>
    ['projects', projectId, 'tasks', 'one', taskId, 'activity'] as const,
};

/**
 * One board column: the tasks of one status under the board's filters, sorted on the server,
 * a page of `PAGE_SIZE` at a time behind the column's own cursor (issue 10, bug 1: one list
 * for every status hid the open tasks behind the newest done ones).
 */
export function useColumnPages(
  projectId: string,
  status: TaskStatus,
  filters: TaskFilters,
  sort: TaskSort,
  enabled: boolean,
  /** While live updates are down (useProjectEvents.ts `pollInterval`). */
  refetchInterval: number | false = false,
) {
  return useTaskPages(projectId, { ...filters, status }, sort, enabled, refetchInterval);
}

export function useTaskPages(
  projectId: string,
  filters: TaskFilters,
  sort: TaskSort,
  enabled = true,
  refetchInterval: number | false = false,
) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(projectId, filters, sort),
    enabled,
    refetchInterval,
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET('/api/projects/{project_id}/tasks', {
          params: {
            path: { project_id: projectId },
            query: {
              status: filters.status,
              priority: filters.priority,
              assignee_id: filters.assigneeId,
              q: filters.q || undefined,
              sort,
              limit: PAGE_SIZE,
              cursor: pageParam ?? undefined,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The counts by status under the board's filters (all but status: each column has its count). */
export function useTaskCounts(
  projectId: string,
  filters: TaskFilters,
  refetchInterval: number | false = false,
) {
  const countFilters = withoutStatus(filters);
  return useQuery({
    queryKey: taskKeys.counts(projectId, countFilters),
    refetchInterval,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/tasks/counts', {
          params: {
            path: { project_id: projectId },
            query: {
              priority: countFilters.priority,
              assignee_id: countFilters.assigneeId,
              q: countFilters.q || undefined,
            },
          },
        }),
      ),
  });
}

export function useTask(
  projectId: string,
  taskId: string,
  refetchInterval: number | false = false,
) {
  return useQuery({
    queryKey: taskKeys.one(projectId, taskId),
    refetchInterval,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/tasks/{task_id}', {
          params: { path: { project_id: projectId, task_id: taskId } },
        }),
      ),
  });
}

/** The If-Match value for a task as read: its version in quotes (the API's ETag). */
export function etag(version: number): string {
  return `"${version}"`;
}
