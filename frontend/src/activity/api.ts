/** The task's history and the project's feed (issue 11, docs/decisions/0103): newest first. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api';
import { taskKeys } from '../tasks/hooks';

export const ACTIVITY_PAGE_SIZE = 30;

export const activityKeys = {
  /** The project's feed. */
  project: (projectId: string) => ['projects', projectId, 'activity'] as const,
  /** One task's history, under the task's own key (as its comments are). */
  task: taskKeys.activity,
};

export function useTaskActivity(projectId: string, taskId: string) {
  return useInfiniteQuery({
    queryKey: activityKeys.task(projectId, taskId),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET('/api/projects/{project_id}/tasks/{task_id}/activity', {
          params: {
            path: { project_id: projectId, task_id: taskId },
            query: { limit: ACTIVITY_PAGE_SIZE, cursor: pageParam ?? undefined },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useProjectActivity(projectId: string, refetchInterval: number | false = false) {
  return useInfiniteQuery({
    queryKey: activityKeys.project(projectId),
    refetchInterval,
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET('/api/projects/{project_id}/activity', {
          params: {
            path: { project_id: projectId },
            query: { limit: ACTIVITY_PAGE_SIZE, cursor: pageParam ?? undefined },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
