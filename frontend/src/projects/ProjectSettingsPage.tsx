import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api';
import { type Errors, LIMITS, validateProject } from '../lib/validation';
import { Field, FormError, PageHeading, submitIfValid, TextAreaField } from '../ui/components';
import { projectKeys } from './hooks';
import { useProjectContext } from './ProjectLayout';

export function ProjectSettingsPage() {
  const { project, can } = useProjectContext();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [errors, setErrors] = useState<Errors<'name' | 'description'>>({});
  const [confirming, setConfirming] = useState(false);
  const path = { params: { path: { project_id: project.id } } };

  const rename = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH('/api/projects/{project_id}', {
          ...path,
          body: { name: name.trim(), description },
        }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(projectKeys.one(project.id), updated);
      // The list is not on screen here: refetch it anyway, so it is fresh when it opens.
      return queryClient.invalidateQueries({
        queryKey: projectKeys.all,
        exact: true,
        refetchType: 'all',
      });
    },
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/projects/{project_id}', path)),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: projectKeys.one(project.id) });
      // Refetch the (inactive) list before going there, so the deleted project never shows.
      await queryClient.invalidateQueries({
        queryKey: projectKeys.all,
        exact: true,
        refetchType: 'all',
      });
      navigate('/', { replace: true });
    },
  });

  if (!can.manageProject) {
    return <p role="alert">Only the project's owners can change its settings.</p>;
  }

  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validateProject({ name, description }), setErrors, () =>
      rename.mutate(),
    );

  return (
    <section>
      <PageHeading>Project settings</PageHeading>
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Rename project">
        <FormError error={rename.error} />
        {rename.isSuccess && (
          <p className="notice" role="status">
            Saved.
          </p>
        )}
        <Field
          label="Project name"
          value={name}
          maxLength={LIMITS.projectName.max}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
        />
        <TextAreaField
          label="Description"
          value={description}
          rows={3}
          maxLength={LIMITS.projectDescription.max}
          onChange={(e) => setDescription(e.target.value)}
          error={errors.description}
        />
        <button type="submit" disabled={rename.isPending}>
          {rename.isPending ? 'Saving…' : 'Save changes'}
        </button>
      </form>

      <section className="danger-zone" aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete this project</h2>
        <p>This deletes every task and attachment in it, for every member. It cannot be undone.</p>
        <FormError error={remove.error} />
        {confirming ? (
          <div className="button-row">
            <button type="button" className="button-danger" onClick={() => remove.mutate()}>
              {remove.isPending ? 'Deleting…' : `Yes, delete “${project.name}”`}
            </button>
            <button type="button" className="button-secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
            Delete project…
          </button>
        )}
      </section>
    </section>
  );
}
