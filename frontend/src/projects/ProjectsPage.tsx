import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../api';
import { type Errors, LIMITS, validateProject } from '../lib/validation';
import {
  Empty,
  ErrorView,
  Field,
  FormError,
  Loading,
  PageHeading,
  submitIfValid,
  TextAreaField,
} from '../ui/components';
import { projectKeys } from './hooks';

export function ProjectsPage() {
  const projects = useQuery({
    queryKey: projectKeys.all,
    queryFn: async () => unwrap(await api.GET('/api/projects')).items,
  });
  // Why the user was brought here, e.g. removed from the project they had open.
  const notice = (useLocation().state as { notice?: string } | null)?.notice;

  return (
    <section>
      <PageHeading>Projects</PageHeading>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="two-columns">
        <div>
          <h2>Your projects</h2>
          {projects.isPending ? (
            <Loading label="Loading projects…" />
          ) : projects.isError ? (
            <ErrorView
              error={projects.error}
              title="Could not load your projects"
              onRetry={() => projects.refetch()}
            />
          ) : projects.data.length === 0 ? (
            <Empty title="No projects yet.">
              <p>Create your first project with the form on this page.</p>
            </Empty>
          ) : (
            <ul className="card-list" aria-label="Projects">
              {projects.data.map((project) => (
                <li key={project.id} className="card">
                  <Link to={`/projects/${project.id}`} className="card-title">
                    {project.name}
                  </Link>
                  <span className={`badge badge-${project.role}`}>{project.role}</span>
                  {project.description && <p className="muted">{project.description}</p>}
                </li>
              ))}
            </ul>
          )}
        </div>
        <CreateProjectForm />
      </div>
    </section>
  );
}

function CreateProjectForm() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Errors<'name' | 'description'>>({});
  const create = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/projects', { body: { name: name.trim(), description } })),
    onSuccess: async (project) => {
      await queryClient.invalidateQueries({ queryKey: projectKeys.all });
      navigate(`/projects/${project.id}`);
    },
  });
  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validateProject({ name, description }), setErrors, () =>
      create.mutate(),
    );
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="new-project-heading">
      <h2 id="new-project-heading">New project</h2>
      <FormError error={create.error} />
      <Field
        label="Project name"
        value={name}
        maxLength={LIMITS.projectName.max}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
      />
      <TextAreaField
        label="Description (optional)"
        value={description}
        maxLength={LIMITS.projectDescription.max}
        rows={3}
        onChange={(e) => setDescription(e.target.value)}
        error={errors.description}
      />
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create project'}
      </button>
    </form>
  );
}
