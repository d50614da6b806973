import { NavLink, Outlet, useOutletContext } from 'react-router';
import { isNotFound } from '../api';
import type { Project } from '../api/types';
import { permissions } from '../api/types';
import { ErrorView, Loading, NotFoundView } from '../ui/components';
import { useProject, useProjectId } from './hooks';

export interface ProjectContext {
  project: Project;
  can: ReturnType<typeof permissions>;
}

export function useProjectContext(): ProjectContext {
  return useOutletContext<ProjectContext>();
}

export function ProjectLayout() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  if (project.isPending) return <Loading label="Loading project…" />;
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
  const context: ProjectContext = { project: project.data, can: permissions(project.data.role) };
  const base = `/projects/${projectId}`;
  return (
    <div>
      <p className="breadcrumb">
        <span className="muted">Project</span> <strong>{project.data.name}</strong>{' '}
        <span className={`badge badge-${project.data.role}`}>your role: {project.data.role}</span>
      </p>
      <nav aria-label="Project" className="tabs">
        <NavLink to={base} end>
          Board
        </NavLink>
        <NavLink to={`${base}/members`}>Members</NavLink>
        <NavLink to={`${base}/export`}>Export</NavLink>
        {context.can.manageProject && <NavLink to={`${base}/settings`}>Settings</NavLink>}
      </nav>
      <Outlet context={context} />
    </div>
  );
}
