import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { TaskHistory } from '../activity/TaskHistory';
import { ApiError, api, fieldErrors, isNotFound, unwrap } from '../api';
import { type Member, STATUS_LABELS, type Task, type TaskPage as TaskListPage } from '../api/types';
import { AttachmentsPanel } from '../attachments/AttachmentsPanel';
import { useAuth } from '../auth/AuthContext';
import { CommentsSection } from '../comments/CommentsSection';
import { useMembers } from '../projects/hooks';
import { useProjectContext } from '../projects/ProjectLayout';
import { ErrorView, FormError, Loading, NotFoundView, PageHeading } from '../ui/components';
import { Markdown } from '../ui/Markdown';
import { removeTask } from './board';
import { listOfFields, mergeAfterConflict, type Reloaded } from './draft';
import { etag, taskKeys, useTask } from './hooks';
import { changedBy } from './MoveNotice';
import { sameValues, TaskForm, type TaskValues, toBody, valuesOf } from './TaskForm';
import { taskWriteKey } from './useProjectEvents';

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

export function TaskPage() {
  const { project, live } = useProjectContext();
  const { taskId = '' } = useParams();
  const task = useTask(project.id, taskId, live.pollInterval);
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
  const { user } = useAuth();
  // What the fields hold now, so "Reload" can keep it (issue 10, bug 5).
  const draft = useRef<TaskValues | null>(null);
  const onValuesChange = useCallback((values: TaskValues) => {
    draft.current = values;
  }, []);
  const [reloaded, setReloaded] = useState<(Reloaded & { by: string }) | null>(null);
  const reloadedNotice = useRef<HTMLParagraphElement>(null);
  const members = useMembers(project.id);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const path = { project_id: project.id, task_id: taskId };
  const save = useMutation({
    // The live stream leaves a task alone while this form writes it (useProjectEvents.ts).
    mutationKey: taskWriteKey(project.id, taskId),
    mutationFn: async (values: TaskValues) =>
      unwrap(
        await api.PATCH('/api/projects/{project_id}/tasks/{task_id}', {
          params: { path, header: { 'if-match': etag(version) } },
          body: toBody(values),
        }),
      ),
    // A conflict: read the latest version first (not into the form), to say who changed it.
    onError: async (error) => {
      if (error instanceof ApiError && error.status === 412) await reload();
    },
    onSuccess: (updated) => {
      setReloaded(null);
      setBase(updated);
      queryClient.setQueryData(taskKeys.one(project.id, taskId), updated);
      return queryClient.invalidateQueries({ queryKey: taskKeys.all(project.id) });
    },
  });
  const remove = useMutation({
    mutationKey: taskWriteKey(project.id, taskId),
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
  const memberName = (id: string | null) =>
    members.data?.find((m) => m.user_id === id)?.display_name ?? null;
  // Who changed it, once the latest version (read after the 412) is newer than the form's.
  const changer = latest.version > base.version ? changedBy(latest, user?.id, memberName) : null;
  /**
   * "Reload the latest version" keeps what the user typed: the fields they changed keep their
   * text, the others show the latest values, and a field both changed shows theirs beside it
   * (draft.ts). The form's version becomes the latest, so saving now is not refused again.
   */
  const reloadLatest = async () => {
    const fresh = await reload();
    if (fresh.data) {
      const opened = reloaded?.values ?? valuesOf(base);
      const merged = mergeAfterConflict(opened, draft.current ?? opened, valuesOf(fresh.data));
      setReloaded({ ...merged, by: changedBy(fresh.data, user?.id, memberName) });
      setBase(fresh.data);
      save.reset();
      remove.reset();
      requestAnimationFrame(() => reloadedNotice.current?.focus());
    }
  };
  const conflictError = [save.error, remove.error].find(
    (e) => e instanceof ApiError && e.status === 412,
  );
  /**
   * Someone changed the task while the form is open (issue 11: the live stream wrote the new
   * version into the cache). A form with nothing typed in it shows the new version in place;
   * one with edits keeps them, untouched, and offers the same merge as after a refused save.
   */
  const writing = save.isPending || remove.isPending;
  const newer = latest.version > base.version && !conflictError;
  useLayoutEffect(() => {
    if (!newer || writing) return;
    const typed = draft.current;
    if (typed !== null && !sameValues(typed, valuesOf(base))) return;
    setBase(latest);
    setReloaded(null);
  }, [newer, writing, latest, base]);
  const changedMeanwhile = newer && !writing;

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
      {!can.editTasks && <TaskReadView task={base} members={members.data ?? []} />}
      {can.editTasks && (
        <TaskForm
          key={base.version}
          initial={reloaded?.values ?? valuesOf(base)}
          theirs={reloaded?.theirs ?? {}}
          onValuesChange={onValuesChange}
          members={members.data ?? []}
          readOnly={!can.editTasks}
          submitLabel="Save changes"
          pending={save.isPending}
          serverErrors={fieldErrors(save.error)}
          onSubmit={(values) => save.mutate(values)}
        >
          {/* Always there, so the notice is read when it appears (a region added with it is not). */}
          <div role="status">
            {changedMeanwhile && (
              <div className="notice notice-changed">
                <p>
                  {capitalised(changer ?? 'someone else')} changed this task while you were editing
                  it. What you typed is still in the form, not saved yet. Reload the latest version:
                  what you typed stays, and the fields you did not touch show their changes.
                </p>
                <button type="button" onClick={() => void reloadLatest()}>
                  Reload the latest version
                </button>
              </div>
            )}
          </div>
          {conflictError ? (
            <div className="form-error" role="alert">
              <p>
                {capitalised(changer ?? 'someone else')} changed this task after you opened it, so
                your changes were not saved. Reload the latest version: what you typed stays in the
                form, and the fields you did not touch show their changes.
              </p>
              <button type="button" onClick={() => void reloadLatest()}>
                Reload the latest version
              </button>
            </div>
          ) : (
            <FormError error={save.error ?? remove.error} />
          )}
          {reloaded && (
            <p className="notice" role="status" tabIndex={-1} ref={reloadedNotice}>
              {reloaded.kept.length === 0
                ? `Loaded the latest version (changed by ${reloaded.by}). You had not changed anything, so the form shows it as it is now.`
                : `Loaded the latest version (changed by ${reloaded.by}). Your changes to ${listOfFields(reloaded.kept)} are kept; the other fields show the latest version.${
                    Object.keys(reloaded.theirs).length > 0
                      ? ' Where you both changed a field, their value is shown under yours: keep yours or use theirs.'
                      : ''
                  } Check, then save.`}
            </p>
          )}
          {save.isSuccess && (
            <p className="notice" role="status">
              Saved.
            </p>
          )}
        </TaskForm>
      )}
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
      <CommentsSection
        projectId={project.id}
        taskId={taskId}
        canWrite={can.editTasks}
        canModerate={can.manageProject}
        members={members.data ?? []}
        me={user}
      />
      <TaskHistory projectId={project.id} taskId={taskId} members={members.data ?? []} me={user} />
    </section>
  );
}

/** What a viewer sees of a task: its fields as text, the description rendered; no form. */
function TaskReadView({ task, members }: { task: Task; members: readonly Member[] }) {
  const assignee = members.find((m) => m.user_id === task.assignee_id);
  return (
    <div className="task-read-view">
      <dl className="task-fields">
        <dt>Status</dt>
        <dd>{STATUS_LABELS[task.status]}</dd>
        <dt>Priority</dt>
        <dd>{capitalised(task.priority)}</dd>
        <dt>Assignee</dt>
        <dd>{task.assignee_id ? (assignee?.display_name ?? 'A former member') : 'Nobody'}</dd>
        <dt>Due</dt>
        <dd>{task.due_date ?? 'No due date'}</dd>
      </dl>
      {task.description && (
        <Markdown source={task.description} className="markdown task-description" />
      )}
    </div>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
