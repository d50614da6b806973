import { useQueryClient } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import { NavLink, Outlet, useNavigate, useOutletContext } from 'react-router';
import { isNotFound } from '../api';
import type { Project } from '../api/types';
import { permissions } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { type ProjectEvents, useProjectEvents } from '../tasks/useProjectEvents';
import { ErrorView, Loading, NotFoundView } from '../ui/components';
import { useShortcut } from '../ui/shortcuts';
import { TitleScope } from '../ui/title';
import { projectKeys, useProject, useProjectId } from './hooks';

export interface ProjectContext {
  project: Project;
  can: ReturnType<typeof permissions>;
  /** The project's live updates: one stream for every page of the project (issue 11). */
  live: ProjectEvents;
}

export function useProjectContext(): ProjectContext {
  return useOutletContext<ProjectContext>();
}

export function ProjectLayout() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  // The project's pages mount in a render that yields to the browser (a query's answer alone
  // would render them in one task: useSyncExternalStore updates are synchronous).
  const answered = useDeferredValue(!project.isPending);
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const live = useProjectEvents(projectId, {
    enabled: project.isSuccess,
    me: user?.id,
    onRemoved: () => {
      const name = project.data?.name;
      navigate('/', {
        replace: true,
        state: {
          notice: name
            ? `You are no longer a member of “${name}”.`
            : 'You are no longer a member of that project.',
        },
      });
      // Once the project's pages are gone: nothing of it stays cached, and the list is reread.
      setTimeout(() => {
        queryClient.removeQueries({ queryKey: projectKeys.one(projectId) });
        void queryClient.invalidateQueries({ queryKey: projectKeys.all, exact: true });
      });
    },
  });
  // "n" opens the new-task form, its title field focused, on any page of the project.
  const canCreate = project.data !== undefined && permissions(project.data.role).editTasks;
  useShortcut(
    'new-task',
    canCreate
      ? () => navigate(`/projects/${projectId}/tasks/new`, { state: { focus: 'title' } })
      : null,
  );
  if (project.isPending || !answered) return <Loading label="Loading project…" />;
  if (project.isError && isNotFound(project.error)) {
    // No such project, not a member of it (the API answers 404 for both), or a malformed id.
    return (
      <NotFoundView title="Project not found" backTo="/" backLabel="Go to your projects">
        There is no project at this address, or you are not a member of it.
      </NotFoundView>
    );
  }
  if (project.isError) {
    return (
      <ErrorView
        error={project.error}
        title="Could not open this project"
        onRetry={() => project.refetch()}
      />
    );
  }
  const context: ProjectContext = {
    project: project.data,
    can: permissions(project.data.role),
    live,
  };
  const base = `/projects/${projectId}`;
  return (
    <div>
      <p className="breadcrumb">
        <span className="muted">Project</span> <strong>{project.data.name}</strong>{' '}
        <span className={`badge badge-${project.data.role}`}>your role: {project.data.role}</span>
      </p>
      <nav aria-label="Project" className="tabs">
        <Tab to={base} end label="Board" />
        <Tab to={`${base}/activity`} label="Activity" />
        <Tab to={`${base}/members`} label="Members" />
        <Tab to={`${base}/export`} label="Export" />
        {context.can.manageProject && <Tab to={`${base}/settings`} label="Settings" />}
      </nav>
      {/* The pages' document titles name the project (ui/title.ts). */}
      <TitleScope value={project.data.name}>
        <Outlet context={context} />
      </TitleScope>
    </div>
  );
}

/**
 * A project tab. `data-text` is for a hidden bold copy (styles.css, `.tabs a::after`): each tab
 * is as wide as when it is the active, bold one, so the row does not shift from page to page.
 */
function Tab({ to, label, end }: { to: string; label: string; end?: boolean }) {
  return (
    <NavLink to={to} end={end} data-text={label}>
      {label}
    </NavLink>
  );
}
