import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api';
import type { TaskSort } from '../api/types';
import type { TaskFilters } from './board';

export const PAGE_SIZE = 30;

export const taskKeys = {
  all: (projectId: string) => ['projects', projectId, 'tasks'] as const,
  list: (projectId: string, filters: TaskFilters, sort: TaskSort) =>
    ['projects', projectId, 'tasks', 'list', { ...filters, sort }] as const,
  counts: (projectId: string) => ['projects', projectId, 'tasks', 'counts'] as const,
  one: (projectId: string, taskId: string) =>
    ['projects', projectId, 'tasks', 'one', taskId] as const,
  attachments: (projectId: string, taskId: string) =>
    ['projects', projectId, 'tasks', 'one', taskId, 'attachments'] as const,
};

export function useTaskPages(projectId: string, filters: TaskFilters, sort: TaskSort) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(projectId, filters, sort),
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

export function useTaskCounts(projectId: string) {
  return useQuery({
    queryKey: taskKeys.counts(projectId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/tasks/counts', {
          params: { path: { project_id: projectId } },
        }),
      ),
  });
}

export function useTask(projectId: string, taskId: string) {
  return useQuery({
    queryKey: taskKeys.one(projectId, taskId),
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
