import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, fieldErrors, unwrap } from '../api';
import { useMembers } from '../projects/hooks';
import { useProjectContext } from '../projects/ProjectLayout';
import { FormError, PageHeading } from '../ui/components';
import { taskKeys } from './hooks';
import { TaskForm, type TaskValues, toBody, valuesOf } from './TaskForm';

// A task itself opens in a panel over the board (TaskPanel.tsx); creating one is a page.

export function NewTaskPage() {
  const { project, can } = useProjectContext();
  const members = useMembers(project.id);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: async (values: TaskValues) =>
      unwrap(
        await api.POST('/api/projects/{project_id}/tasks', {
          params: { path: { project_id: project.id } },
          body: toBody(values),
        }),
      ),
    onSuccess: async (task) => {
      await queryClient.invalidateQueries({ queryKey: taskKeys.all(project.id) });
      navigate(`/projects/${project.id}/tasks/${task.id}`, { replace: true });
    },
  });
  // Opened with the "n" shortcut: straight into the title field (after the heading's focus).
  const location = useLocation();
  const form = useRef<HTMLElement>(null);
  const focusTitle = (location.state as { focus?: string } | null)?.focus === 'title';
  useEffect(() => {
    if (focusTitle) form.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [focusTitle]);
  if (!can.editTasks) return <p role="alert">Viewers cannot create tasks.</p>;
  return (
    <section ref={form}>
      <PageHeading>New task</PageHeading>
      <TaskForm
        initial={valuesOf(null)}
        members={members.data ?? []}
        readOnly={false}
        submitLabel="Create task"
        pending={create.isPending}
        serverErrors={fieldErrors(create.error)}
        onSubmit={(values) => create.mutate(values)}
      >
        <FormError error={create.error} />
      </TaskForm>
    </section>
  );
}
