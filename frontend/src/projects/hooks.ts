import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, unwrap } from '../api';

export const projectKeys = {
  all: ['projects'] as const,
  one: (id: string) => ['projects', id] as const,
  members: (id: string) => ['projects', id, 'members'] as const,
  invitations: (id: string) => ['projects', id, 'invitations'] as const,
};

export const invitationKeys = {
  preview: (token: string) => ['invitations', 'preview', token] as const,
};

export function useProjectId(): string {
  const { projectId } = useParams();
  if (!projectId) throw new Error('no project id in the route');
  return projectId;
}

export function useProject(projectId: string) {
  return useQuery({
    queryKey: projectKeys.one(projectId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}', {
          params: { path: { project_id: projectId } },
        }),
      ),
  });
}

export function useMembers(projectId: string, refetchInterval: number | false = false) {
  return useQuery({
    queryKey: projectKeys.members(projectId),
    refetchInterval,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/members', {
          params: { path: { project_id: projectId } },
        }),
      ).items,
  });
}

/** The project's pending invitations (owners only: others get 403, so they do not ask). */
export function useInvitations(projectId: string, enabled: boolean) {
  return useQuery({
    queryKey: projectKeys.invitations(projectId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/invitations', {
          params: { path: { project_id: projectId } },
        }),
      ).items,
    enabled,
  });
}

/** What an invitation link offers; the token goes in the body, never in an API URL. */
export function useInvitationPreview(token: string) {
  return useQuery({
    queryKey: invitationKeys.preview(token),
    queryFn: async () => unwrap(await api.POST('/api/invitations/preview', { body: { token } })),
    // A used or expired link stays so: nothing to retry or refresh.
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
