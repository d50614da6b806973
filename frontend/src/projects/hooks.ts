import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, unwrap } from '../api';

export const projectKeys = {
  all: ['projects'] as const,
  one: (id: string) => ['projects', id] as const,
  members: (id: string) => ['projects', id, 'members'] as const,
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

export function useMembers(projectId: string) {
  return useQuery({
    queryKey: projectKeys.members(projectId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/members', {
          params: { path: { project_id: projectId } },
        }),
      ).items,
  });
}
