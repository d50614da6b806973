/**
 * The comments of one task (issue 11, docs/decisions/0103): list (oldest first, a page at a
 * time behind the API's cursor), add, edit, delete. Mutations own their cache effects: the
 * answer is written into the cached pages, and the task's history is read again.
 */
import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../api';
import type { components } from '../api/schema';
import { taskKeys } from '../tasks/hooks';

export type Comment = components['schemas']['CommentOut'];
export type CommentPage = components['schemas']['CommentPage'];
export type CommentCreate = components['schemas']['CommentCreate'];
export type CommentUpdate = components['schemas']['CommentUpdate'];

export const COMMENT_PAGE_SIZE = 20;

/** Under the task's own key (tasks/hooks.ts), so what forgets a task forgets these too. */
export const commentKeys = { list: taskKeys.comments };

export function useComments(projectId: string, taskId: string) {
  return useInfiniteQuery({
    queryKey: commentKeys.list(projectId, taskId),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET('/api/projects/{project_id}/tasks/{task_id}/comments', {
          params: {
            path: { project_id: projectId, task_id: taskId },
            query: { limit: COMMENT_PAGE_SIZE, cursor: pageParam ?? undefined },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

type Pages = InfiniteData<CommentPage, string | null>;

function patchPages(
  queryClient: QueryClient,
  projectId: string,
  taskId: string,
  patch: (items: Comment[], isLast: boolean) => Comment[],
) {
  queryClient.setQueryData<Pages>(commentKeys.list(projectId, taskId), (data) => {
    if (!data) return data;
    return {
      ...data,
      pages: data.pages.map((page, i) => ({
        ...page,
        items: patch(page.items, i === data.pages.length - 1),
      })),
    };
  });
}

export function useCommentMutations(projectId: string, taskId: string) {
  const queryClient = useQueryClient();
  const path = { project_id: projectId, task_id: taskId };
  const history = () =>
    queryClient.invalidateQueries({ queryKey: taskKeys.activity(projectId, taskId) });
  const create = useMutation({
    mutationFn: async (body: CommentCreate) =>
      unwrap(
        await api.POST('/api/projects/{project_id}/tasks/{task_id}/comments', {
          params: { path },
          body,
        }),
      ),
    onSuccess: (comment) => {
      const data = queryClient.getQueryData<Pages>(commentKeys.list(projectId, taskId));
      const last = data?.pages.at(-1);
      if (last && last.next_cursor === null) {
        // Every page is loaded: the new one is the last comment.
        patchPages(queryClient, projectId, taskId, (items, isLast) =>
          isLast && !items.some((c) => c.id === comment.id) ? [...items, comment] : items,
        );
      } else {
        void queryClient.invalidateQueries({ queryKey: commentKeys.list(projectId, taskId) });
      }
      void history();
    },
  });
  const update = useMutation({
    mutationFn: async ({ id, body }: { id: string; body: CommentUpdate }) =>
      unwrap(
        await api.PATCH('/api/projects/{project_id}/tasks/{task_id}/comments/{comment_id}', {
          params: { path: { ...path, comment_id: id } },
          body,
        }),
      ),
    onSuccess: (comment) => {
      patchPages(queryClient, projectId, taskId, (items) =>
        items.map((c) => (c.id === comment.id ? comment : c)),
      );
      void history();
    },
  });
  const remove = useMutation({
    mutationFn: async (id: string) => {
      unwrap(
        await api.DELETE('/api/projects/{project_id}/tasks/{task_id}/comments/{comment_id}', {
          params: { path: { ...path, comment_id: id } },
        }),
      );
      return id;
    },
    onSuccess: (id) => {
      patchPages(queryClient, projectId, taskId, (items) => items.filter((c) => c.id !== id));
      void history();
    },
  });
  return { create, update, remove };
}
