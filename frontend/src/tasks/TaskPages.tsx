import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, fieldErrors, isNotFound, unwrap } from '../api';
import type { Task, TaskPage as TaskListPage } from '../api/types';
import { AttachmentsPanel } from '../attachments/AttachmentsPanel';
import { useMembers } from '../projects/hooks';
import { useProjectContext } from '../projects/ProjectLayout';
import { ErrorView, FormError, Loading, NotFoundView, PageHeading } from '../ui/components';
import { removeTask } from './board';
import { etag, taskKeys, useTask } from './hooks';
import { TaskForm, type TaskValues, toBody, valuesOf } from './TaskForm';

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
  if (!can.editTasks) return <p role="alert">Viewers cannot create tasks.</p>;
  return (
    <section>
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

export function TaskPage() {
  const { project } = useProjectContext();
  const { taskId = '' } = useParams();
  const task = useTask(project.id, taskId);
  if (task.isPending) return <Loading label="Loading task…" />;
  if (task.isError && isNotFound(task.error)) {
    // A deleted task, or an address with a malformed id: say so, with the way back.
    return (
      <NotFoundView
        title="Task not found"
        backTo={`/projects/${project.id}`}
        backLabel="Back to the board"
      >
        There is no such task in {project.name}: it may have been deleted, or the address is wrong.
      </NotFoundView>
    );
  }
  if (task.isError) {
    return (
      <ErrorView
        error={task.error}
        title="Could not open this task"
        onRetry={() => task.refetch()}
      />
    );
  }
  return <TaskEditor key={task.data.id} task={task.data} reload={() => task.refetch()} />;
}

function TaskEditor({
  task: latest,
  reload,
}: {
  task: Task;
  reload: () => Promise<{ data?: Task | undefined }>;
}) {
  const { project, can } = useProjectContext();
  const taskId = latest.id;
  // The task as this form was opened (or last saved): its version goes out as If-Match, so
  // an edit made by someone else meanwhile is refused (412) instead of silently overwritten.
  const [base, setBase] = useState(latest);
  const version = base.version;
  const members = useMembers(project.id);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const path = { project_id: project.id, task_id: taskId };
  const save = useMutation({
    mutationFn: async (values: TaskValues) =>
      unwrap(
        await api.PATCH('/api/projects/{project_id}/tasks/{task_id}', {
          params: { path, header: { 'if-match': etag(version) } },
          body: toBody(values),
        }),
      ),
    onSuccess: (updated) => {
      setBase(updated);
      queryClient.setQueryData(taskKeys.one(project.id, taskId), updated);
      return queryClient.invalidateQueries({ queryKey: taskKeys.all(project.id) });
    },
  });
  const remove = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.DELETE('/api/projects/{project_id}/tasks/{task_id}', {
          params: { path, header: { 'if-match': etag(version) } },
        }),
      ),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: taskKeys.one(project.id, taskId) });
      // The board is not mounted here, so its lists only refetch when it opens: take the task
      // out of them now, so the board never shows it in the meantime.
      queryClient.setQueriesData<InfiniteData<TaskListPage>>(
        { queryKey: [...taskKeys.all(project.id), 'list'] },
        (data) => data && { ...data, pages: removeTask(data.pages, taskId) },
      );
      await queryClient.invalidateQueries({ queryKey: taskKeys.all(project.id) });
      navigate(`/projects/${project.id}`, { replace: true });
    },
  });
  const reloadLatest = async () => {
    const fresh = await reload();
    if (fresh.data) {
      setBase(fresh.data);
      save.reset();
      remove.reset();
    }
  };
  const conflictError = [save.error, remove.error].find(
    (e) => e instanceof ApiError && e.status === 412,
  );

  return (
    <section>
      <p>
        <Link to={`/projects/${project.id}`} className="back-link">
          ← Back to the board
        </Link>
      </p>
      <PageHeading>{base.title}</PageHeading>
      {!can.editTasks && (
        <p className="notice" role="status">
          You are a viewer in this project: you can read this task but not change it.
        </p>
      )}
      <TaskForm
        key={base.version}
        initial={valuesOf(base)}
        members={members.data ?? []}
        readOnly={!can.editTasks}
        submitLabel="Save changes"
        pending={save.isPending}
        serverErrors={fieldErrors(save.error)}
        onSubmit={(values) => save.mutate(values)}
      >
        {conflictError ? (
          <div className="form-error" role="alert">
            <p>
              Someone else changed this task after you opened it, so your changes were not saved.
              Reload it to see their version, then make your change again.
            </p>
            <button type="button" onClick={() => void reloadLatest()}>
              Reload the latest version
            </button>
          </div>
        ) : (
          <FormError error={save.error ?? remove.error} />
        )}
        {save.isSuccess && (
          <p className="notice" role="status">
            Saved.
          </p>
        )}
      </TaskForm>
      {can.editTasks && (
        <div className="button-row">
          {confirmDelete ? (
            <>
              <button type="button" className="button-danger" onClick={() => remove.mutate()}>
                {remove.isPending ? 'Deleting…' : 'Yes, delete this task'}
              </button>
              <button
                type="button"
                className="button-secondary"
                onClick={() => setConfirmDelete(false)}
              >
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="button-danger" onClick={() => setConfirmDelete(true)}>
              Delete task…
            </button>
          )}
        </div>
      )}
      <AttachmentsPanel projectId={project.id} taskId={taskId} canEdit={can.editTasks} />
    </section>
  );
}
