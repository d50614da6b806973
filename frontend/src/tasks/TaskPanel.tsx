/**
 * A task in a side panel over the board (`/projects/:projectId/tasks/:taskId`, BoardRoute.tsx):
 * a modal `<dialog>` (focus kept inside, the board inert behind it, Escape), labelled by the
 * task's title, closed by Escape, its close button or a click on the backdrop; closing goes
 * back to the board with its filters and puts focus back on the task's card.
 *
 * Members edit in place, one field at a time: the title (Enter or leaving the field saves,
 * Escape cancels), status, priority, assignee and due date (saved on change), the description
 * (Markdown, with an edit mode). Each save is a PATCH of that one field with If-Match; the
 * answer is written into the board's cached lists (moves.ts `writeTask`), so the board behind
 * follows without a refetch. A refused save (412) keeps what was typed, says who changed the
 * task and offers to reload it (draft.ts merges the two). Leaving with unsaved text (a comment
 * not sent included) asks first; text whose save is under way is not unsaved, and should that
 * save fail once the panel is gone, a toast says so. Viewers get a read view.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useCallback,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { useBlocker, useLocation, useNavigate, useParams } from 'react-router';
import { timeAgo } from '../activity/sentences';
import { TaskHistory } from '../activity/TaskHistory';
import { ApiError, api, fieldErrors, isNotFound, messageOf, unwrap } from '../api';
import {
  type Member,
  STATUS_LABELS,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Task,
  type TaskUpdate,
} from '../api/types';
import { AttachmentsPanel } from '../attachments/AttachmentsPanel';
import { useAuth } from '../auth/AuthContext';
import { CommentsSection } from '../comments/CommentsSection';
import { LIMITS, validateTask } from '../lib/validation';
import { useMembers } from '../projects/hooks';
import { MemberOptions } from '../projects/MemberOptions';
import { useProjectContext } from '../projects/ProjectLayout';
import {
  ErrorView,
  Field,
  FormError,
  Loading,
  NotFoundView,
  SelectField,
  TextAreaField,
} from '../ui/components';
import { Markdown } from '../ui/Markdown';
import { pageTitle, TitleScope, useDocumentTitle } from '../ui/title';
import { useToasts } from '../ui/toasts';
import { localToday, relativeDue } from './cards';
import { listOfFields, mergeAfterConflict, type Reloaded } from './draft';
import { etag, taskKeys, useTask } from './hooks';
import { changedBy } from './MoveNotice';
import { forgetTask, writeTask } from './moves';
import { boardPath, commitTitle, hasUnsavedText, taskMetadata, taskPath } from './panel';
import { type TaskValues, TheirValue, valuesOf } from './TaskForm';
import { taskWriteKey } from './useProjectEvents';

const LEAVE_QUESTION = 'Your changes to this task are not saved. Leave without saving them?';

export function TaskPanel() {
  const { project, live } = useProjectContext();
  const { taskId = '' } = useParams();
  const { search } = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const task = useTask(project.id, taskId, live.pollInterval);
  const headingId = useId();
  const board = boardPath(project.id, search);
  const taskHref = `/projects/${project.id}/tasks/${taskId}`;
  // The card's link carries the board's search, the same as the panel's (BoardPage.tsx).
  const cardHref = taskPath(project.id, taskId, search);

  // Unsaved text (the title or description being edited, a comment not sent): leaving asks
  // first. The state arms `beforeunload`; the blocker asks the body at the moment of leaving,
  // since a save started by that very click (the title's blur) is not rendered yet.
  const [unsaved, setUnsaved] = useState(false);
  const leavingLosesText = useRef(() => false);
  const leaving = useRef(false);
  // Closing onto the board: focus goes back to the card when the panel is gone.
  const closing = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      !leaving.current &&
      currentLocation.pathname !== nextLocation.pathname &&
      leavingLosesText.current(),
  );
  const blocked = blocker.state === 'blocked';
  const latestBlocker = useRef(blocker);
  latestBlocker.current = blocker;
  useEffect(() => {
    if (!blocked) return;
    const { location: next, proceed, reset } = latestBlocker.current;
    if (window.confirm(LEAVE_QUESTION)) {
      // Leaving for the board (Escape, close, back): focus goes back to the card then.
      closing.current = next?.pathname === `/projects/${project.id}`;
      proceed?.();
    } else {
      reset?.();
    }
  }, [blocked, project.id]);
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers ask only when a value is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsaved]);

  // The board's document title (its heading's, BoardPage.tsx) comes back when the panel closes;
  // a page opened instead sets its own after this.
  const boardTitle = pageTitle('Board', useContext(TitleScope));
  useEffect(
    () => () => {
      document.title = boardTitle;
    },
    [boardTitle],
  );

  /** Back to the board (filters kept); focus goes back to the task's card, if it is there. */
  const close = useCallback(
    async (options?: { replace?: boolean }) => {
      closing.current = true;
      await navigate(board, options);
      // Stayed (the user kept their unsaved edits): nothing to give focus back to.
      if (window.location.pathname === taskHref) closing.current = false;
    },
    [navigate, board, taskHref],
  );
  // Once the panel is gone (the board is no longer inert): its card, or the board's heading.
  useEffect(
    () => () => {
      if (!closing.current) return;
      const card = document.querySelector<HTMLElement>(`a.card-link[href="${cardHref}"]`);
      const target =
        card && card.getClientRects().length > 0
          ? card
          : document.querySelector<HTMLElement>('h1.page-heading');
      target?.focus();
    },
    [cardHref],
  );
  const deleted = useCallback(async () => {
    leaving.current = true;
    await close({ replace: true });
    // Once the panel is gone (its query would read the task again and find it missing).
    setTimeout(() => forgetTask(queryClient, project.id, taskId));
  }, [close, queryClient, project.id, taskId]);

  let content: ReactNode;
  let label: string | undefined = 'Task';
  if (task.isPending) {
    content = <Loading label="Loading task…" />;
  } else if (task.isError && isNotFound(task.error)) {
    label = 'Task not found';
    // A deleted task, or an address with a malformed id: say so, with the way back.
    content = (
      <NotFoundView title="Task not found" backTo={board} backLabel="Back to the board">
        There is no such task in {project.name}: it may have been deleted, or the address is wrong.
      </NotFoundView>
    );
  } else if (task.isError) {
    content = (
      <ErrorView
        error={task.error}
        title="Could not open this task"
        onRetry={() => task.refetch()}
      />
    );
  } else {
    label = undefined;
    content = (
      <TaskPanelBody
        key={task.data.id}
        task={task.data}
        reload={() => task.refetch()}
        headingId={headingId}
        onUnsavedChange={setUnsaved}
        leavingLosesText={leavingLosesText}
        onDeleted={deleted}
      />
    );
  }
  return (
    <PanelDialog
      labelledBy={label === undefined ? headingId : undefined}
      label={label}
      keepOpen={blocked}
      onClose={() => void close()}
    >
      {content}
    </PanelDialog>
  );
}

/**
 * The modal side panel: opened with showModal() (focus trap, Escape, inert board for free).
 * Every way of closing it asks `onClose` (which may be refused: unsaved edits).
 */
function PanelDialog({
  labelledBy,
  label,
  keepOpen,
  onClose,
  children,
}: {
  labelledBy: string | undefined;
  label: string | undefined;
  /** Re-rendered while a close is being decided: the dialog must stay (or be) open. */
  keepOpen: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const pressedOnBackdrop = useRef(false);
  const lastRequest = useRef(0);
  useLayoutEffect(() => {
    const node = dialog.current;
    if (node && !node.open && node.isConnected) node.showModal();
  });
  // A close the user refused (the leave question answered): whatever comes next is a new
  // request, however soon, not an echo of that one.
  useEffect(() => {
    if (!keepOpen) lastRequest.current = 0;
  }, [keepOpen]);
  // Escape, the Android back gesture and the like can each reach us by more than one event.
  const requestClose = () => {
    const now = Date.now();
    if (now - lastRequest.current < 250) return;
    lastRequest.current = now;
    onClose();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Escape') return;
    // Cancelled here, the browser does not close the dialog itself: the route decides.
    event.preventDefault();
    requestClose();
  };
  return (
    <dialog
      ref={dialog}
      className="task-panel"
      aria-labelledby={labelledBy}
      aria-label={label}
      data-keep-open={keepOpen || undefined}
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        requestClose();
      }}
      // Closed by the browser anyway (a cancel it would not let us stop): ask to leave; if
      // that is refused, the next render opens it again.
      onClose={() => requestClose()}
      onPointerDown={(event) => {
        pressedOnBackdrop.current = event.target === event.currentTarget;
      }}
      onClick={(event) => {
        // The panel's content fills the dialog: a click on the dialog itself is the backdrop.
        if (event.target === event.currentTarget && pressedOnBackdrop.current) requestClose();
      }}
    >
      <div className="task-panel-inner">
        <div className="task-panel-bar">
          <button
            type="button"
            className="button-secondary panel-close"
            aria-label="Close the task"
            onClick={requestClose}
          >
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
              <path d="M3 3l10 10M13 3L3 13" stroke="currentColor" strokeWidth="2" />
            </svg>
          </button>
        </div>
        {children}
      </div>
    </dialog>
  );
}

type InlineField = 'title' | 'description' | 'status' | 'priority' | 'assigneeId' | 'dueDate';

const FIELD_NAMES: Record<InlineField, string> = {
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  assigneeId: 'assignee',
  dueDate: 'due date',
};

interface FieldSave {
  field: InlineField;
  /** What the control shows while it is sent. */
  value: string;
  change: TaskUpdate;
  /** The version the user saw (If-Match). */
  version: number;
}

function changeOf(field: InlineField, value: string): TaskUpdate {
  switch (field) {
    case 'title':
      return { title: value };
    case 'description':
      return { description: value };
    case 'status':
      return { status: value as Task['status'] };
    case 'priority':
      return { priority: value as Task['priority'] };
    case 'assigneeId':
      return { assignee_id: value || null };
    case 'dueDate':
      return { due_date: value || null };
  }
}

function TaskPanelBody({
  task: latest,
  reload,
  headingId,
  onUnsavedChange,
  leavingLosesText: losesTextCheck,
  onDeleted,
}: {
  task: Task;
  reload: () => Promise<{ data?: Task | undefined }>;
  headingId: string;
  onUnsavedChange: (unsaved: boolean) => void;
  /** Set to what leaving now would lose, read from refs kept current by the event handlers. */
  leavingLosesText: RefObject<() => boolean>;
  onDeleted: () => Promise<void>;
}) {
  const { project, can } = useProjectContext();
  const { user } = useAuth();
  const members = useMembers(project.id);
  const queryClient = useQueryClient();
  const taskId = latest.id;
  const path = { project_id: project.id, task_id: taskId };
  // The task as the panel shows it: what the user saw, its version the If-Match of their
  // next save. It follows the latest version at once unless text is being edited.
  const [base, setBase] = useState(latest);
  // The title and description being edited (null: not in edit mode). The refs are read by
  // blur handlers that run before the next render.
  const [title, setTitleState] = useState<string | null>(null);
  const titleNow = useRef<string | null>(null);
  const setTitle = (value: string | null) => {
    titleNow.current = value;
    setTitleState(value);
  };
  const [description, setDescription] = useState<string | null>(null);
  const [theirs, setTheirs] = useState<Partial<TaskValues>>({});
  const [reloaded, setReloaded] = useState<(Reloaded & { by: string }) | null>(null);
  const [errors, setErrors] = useState<Partial<Record<InlineField, string>>>({});
  const [due, setDue] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const editTitleButton = useRef<HTMLButtonElement>(null);
  const editDescriptionButton = useRef<HTMLButtonElement>(null);
  const descriptionBox = useRef<HTMLDivElement>(null);
  const reloadedNotice = useRef<HTMLParagraphElement>(null);
  useDocumentTitle(base.title);
  useEffect(() => {
    heading.current?.focus();
  }, []);

  // A comment not sent yet is lost on leaving too.
  const [commentUnsent, setCommentUnsent] = useState(false);
  // A save that ends after the panel closed can only say how it went in a toast.
  const toasts = useToasts();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const memberName = (id: string | null) =>
    members.data?.find((m) => m.user_id === id)?.display_name ?? null;

  // This tab's own saves, one after the other: "sent with version v" -> the version it made,
  // so a second change made before the first one's answer is not refused by the first.
  const ownVersions = useRef(new Map<number, number>());
  const save = useMutation({
    // The live stream leaves a task alone while it is being written (useProjectEvents.ts).
    mutationKey: taskWriteKey(project.id, taskId),
    scope: { id: `task-edit:${project.id}:${taskId}` },
    mutationFn: async ({ change, version }: FieldSave) => {
      let sent = version;
      for (;;) {
        const next = ownVersions.current.get(sent);
        if (next === undefined) break;
        sent = next;
      }
      const updated = unwrap(
        await api.PATCH('/api/projects/{project_id}/tasks/{task_id}', {
          params: { path, header: { 'if-match': etag(sent) } },
          body: change,
        }),
      );
      ownVersions.current.set(sent, updated.version);
      return updated;
    },
    // A conflict: read the latest version first (not into the fields), to say who changed it.
    onError: async (error, { field }) => {
      if (!mounted.current) {
        toasts.show({
          key: `task-save:${taskId}`,
          tone: 'problem',
          message: `The ${FIELD_NAMES[field]} of “${base.title}” was not saved: ${messageOf(error)}`,
        });
        return;
      }
      if (error instanceof ApiError && error.status === 412) await reload();
    },
    onSettled: (_updated, _error, { field, value }) => {
      if (field !== 'title' && field !== 'description') return;
      // A later save of the same field owns it now.
      if (savingText.current[field] !== value) return;
      const { [field]: _done, ...rest } = savingText.current;
      savingText.current = rest;
    },
    onSuccess: (updated, { field }) => {
      setBase((shown) => (shown.version > updated.version ? shown : updated));
      // Into the board's lists and counts behind the panel, and the task's own query.
      writeTask(queryClient, project.id, updated);
      void queryClient.invalidateQueries({ queryKey: taskKeys.activity(project.id, taskId) });
      if (field === 'title' && titleNow.current?.trim() === updated.title) setTitle(null);
      if (field === 'description') setDescription((d) => (d === updated.description ? null : d));
      setTheirs((t) => {
        const { [field]: _done, ...rest } = t;
        return rest;
      });
      setReloaded(null);
      setSaved(true);
    },
  });
  const remove = useMutation({
    mutationKey: taskWriteKey(project.id, taskId),
    mutationFn: async () =>
      unwrap(
        await api.DELETE('/api/projects/{project_id}/tasks/{task_id}', {
          params: { path, header: { 'if-match': etag(base.version) } },
        }),
      ),
    onError: async (error) => {
      if (error instanceof ApiError && error.status === 412) await reload();
    },
    onSuccess: () => onDeleted(),
  });
  // The text each save under way carries, set before the request starts (the blocker may ask
  // in the same event, before the mutation's state is rendered).
  const savingText = useRef<{ title?: string; description?: string }>({});
  const send = (field: InlineField, value: string) => {
    if (field === 'title' || field === 'description') {
      savingText.current = { ...savingText.current, [field]: value };
    }
    setSaved(false);
    setErrors((e) => ({ ...e, [field]: undefined }));
    save.mutate({ field, value, change: changeOf(field, value), version: base.version });
  };
  const sending = (field: InlineField) =>
    save.isPending && save.variables?.field === field ? save.variables.value : undefined;

  const unsaved = hasUnsavedText(
    base,
    { title, description },
    { title: sending('title'), description: sending('description') },
  );
  const leavingLosesText = unsaved || commentUnsent;
  useEffect(() => onUnsavedChange(leavingLosesText), [leavingLosesText, onUnsavedChange]);
  useLayoutEffect(() => {
    losesTextCheck.current = () =>
      hasUnsavedText(base, { title: titleNow.current, description }, savingText.current) ||
      commentUnsent;
    // Gone (a deleted task, say): nothing of it to lose.
    return () => {
      losesTextCheck.current = () => false;
    };
  });
  useEffect(() => () => onUnsavedChange(false), [onUnsavedChange]);

  const conflictError = [save.error, remove.error].find(
    (e) => e instanceof ApiError && e.status === 412,
  );
  const writing = save.isPending || remove.isPending;
  // Someone changed the task meanwhile (the live stream wrote it into the cache): shown in
  // place when nothing is being typed; otherwise the typed text stays and a reload is offered.
  const newer = latest.version > base.version && !conflictError;
  useLayoutEffect(() => {
    if (!newer || writing) return;
    if (hasUnsavedText(base, { title: titleNow.current, description })) return;
    setBase(latest);
    setReloaded(null);
    if (titleNow.current !== null) setTitle(latest.title);
    if (description !== null) setDescription(latest.description);
  });
  const changedMeanwhile = newer && !writing;
  const changer = latest.version > base.version ? changedBy(latest, user?.id, memberName) : null;

  /**
   * "Reload the latest version" keeps what the user typed: the text they changed stays, the
   * rest shows the latest values, and where both changed the same text theirs is shown beside
   * (draft.ts). The version the panel shows becomes the latest, so saving now is not refused.
   */
  const reloadLatest = async () => {
    const fresh = (await reload()).data;
    if (!fresh) return;
    const opened = valuesOf(base);
    const typed: TaskValues = {
      ...opened,
      title: titleNow.current ?? opened.title,
      description: description ?? opened.description,
    };
    const merged = mergeAfterConflict(opened, typed, valuesOf(fresh));
    writeTask(queryClient, project.id, fresh);
    setBase(fresh);
    if (titleNow.current !== null) setTitle(merged.values.title);
    if (description !== null) setDescription(merged.values.description);
    setTheirs(merged.theirs);
    setReloaded({ ...merged, by: changedBy(fresh, user?.id, memberName) });
    save.reset();
    remove.reset();
    requestAnimationFrame(() => reloadedNotice.current?.focus());
  };

  // The title: a heading; "Edit title" (or a click on it) turns it into a field.
  const startTitle = () => {
    if (!can.editTasks || titleNow.current !== null) return;
    setSaved(false);
    setTitle(base.title);
  };
  const titleBox = useRef<HTMLDivElement>(null);
  const focusTitleInput = () => titleBox.current?.querySelector('input')?.focus();
  const titleWasOpen = useRef(false);
  useEffect(() => {
    if (title !== null && !titleWasOpen.current) {
      titleBox.current?.querySelector('input')?.focus();
    }
    // Closed (saved or cancelled) with focus in it: back to the button that opened it.
    if (title === null && titleWasOpen.current && !document.activeElement?.closest('dialog *')) {
      editTitleButton.current?.focus();
    }
    titleWasOpen.current = title !== null;
  }, [title]);
  const commitTitleEdit = () => {
    const typed = titleNow.current;
    if (typed === null || sending('title') !== undefined) return;
    const commit = commitTitle(base.title, typed);
    if (commit.kind === 'unchanged') {
      setTitle(null);
      setTheirs(({ title: _title, ...rest }) => rest);
      return;
    }
    const error = validateTask({ title: commit.title, description: '', dueDate: '' }).title;
    if (error) {
      setErrors((e) => ({ ...e, title: error }));
      return;
    }
    send('title', commit.title);
  };
  const cancelTitle = () => {
    setTitle(null);
    setTheirs(({ title: _title, ...rest }) => rest);
    setErrors((e) => ({ ...e, title: undefined }));
  };
  const onTitleKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commitTitleEdit();
    } else if (event.key === 'Escape' && sending('title') === undefined) {
      // Cancels the edit, and only that (the panel stays open). Once the title is being
      // saved there is nothing left to cancel: Escape closes the panel, as elsewhere.
      event.preventDefault();
      event.stopPropagation();
      cancelTitle();
    }
  };

  // The description: Markdown; "Edit description" opens the text with Save and Cancel.
  const descriptionWasOpen = useRef(false);
  useEffect(() => {
    if (description !== null && !descriptionWasOpen.current) {
      descriptionBox.current?.querySelector('textarea')?.focus();
    }
    if (
      description === null &&
      descriptionWasOpen.current &&
      !document.activeElement?.closest('dialog *')
    ) {
      editDescriptionButton.current?.focus();
    }
    descriptionWasOpen.current = description !== null;
  }, [description]);
  const saveDescription = () => {
    if (description === null) return;
    if (description === base.description) {
      setDescription(null);
      return;
    }
    const error = validateTask({ title: 'x', description, dueDate: '' }).description;
    if (error) {
      setErrors((e) => ({ ...e, description: error }));
      return;
    }
    send('description', description);
  };

  // The due date: saved once the date is whole and left alone for a moment, or on leaving.
  const commitDue = (value: string | null) => {
    if (value === null) return;
    setDue(null);
    if (value === (base.due_date ?? '')) return;
    const error = validateTask({ title: 'x', description: '', dueDate: value }).dueDate;
    if (error) {
      setErrors((e) => ({ ...e, dueDate: error }));
      return;
    }
    send('dueDate', value);
  };
  const commitDueLater = useRef(commitDue);
  commitDueLater.current = commitDue;
  useEffect(() => {
    if (due === null) return;
    const timer = setTimeout(() => commitDueLater.current(due), 800);
    return () => clearTimeout(timer);
  }, [due]);

  const serverErrors = fieldErrors(save.error);
  const values = valuesOf(base);
  const shown = (field: 'status' | 'priority' | 'assigneeId' | 'dueDate') =>
    sending(field) ?? values[field];

  return (
    <article className="task-panel-body">
      <div className="task-panel-title">
        <h1
          id={headingId}
          ref={heading}
          tabIndex={-1}
          className={title === null ? 'page-heading' : 'page-heading visually-hidden'}
        >
          {base.title}
        </h1>
        {can.editTasks && title === null && (
          <button
            type="button"
            ref={editTitleButton}
            className="button-secondary"
            onClick={startTitle}
          >
            Edit title
          </button>
        )}
      </div>
      {title !== null && (
        <div ref={titleBox} className="title-editor">
          <Field
            label="Title"
            onBlur={(event) => {
              // Leaving the title saves it; moving to "Use their title" beside it does not, nor
              // does anything while a refused or outdated save waits for "Reload".
              if (titleBox.current?.contains(event.relatedTarget as Node | null)) return;
              if (conflictError || changedMeanwhile) return;
              commitTitleEdit();
            }}
            value={title}
            maxLength={LIMITS.taskTitle.max}
            hint="Enter saves, Escape cancels."
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={onTitleKeyDown}
            readOnly={sending('title') !== undefined}
            error={errors.title ?? serverErrors.title}
          />
          {theirs.title !== undefined && (
            <TheirValue
              field="title"
              text={theirs.title}
              onUse={() => {
                setTitle(theirs.title ?? base.title);
                setTheirs(({ title: _title, ...rest }) => rest);
                focusTitleInput();
              }}
            />
          )}
        </div>
      )}
      <p className="muted task-meta">
        {taskMetadata(base, memberName, user?.id, (iso) => timeAgo(iso))}
      </p>

      {!can.editTasks && (
        <p className="notice" role="status">
          You are a viewer in this project: you can read this task but not change it.
        </p>
      )}

      {can.editTasks && (
        <>
          {/* Always there, so the notice is read when it appears (a region added with it is not). */}
          <div role="status">
            {changedMeanwhile && unsaved && (
              <div className="notice notice-changed">
                <p>
                  {capitalised(changer ?? 'someone else')} changed this task while you were editing
                  it. What you typed is still in the field, not saved yet. Reload the latest
                  version: what you typed stays, and the fields you did not touch show their
                  changes.
                </p>
                <button type="button" onClick={() => void reloadLatest()}>
                  Reload the latest version
                </button>
              </div>
            )}
          </div>
          {conflictError && (
            <div className="form-error" role="alert">
              <p>
                {capitalised(changer ?? 'someone else')} changed this task after you opened it, so
                your change was not saved. Reload the latest version: what you typed stays, and the
                fields you did not touch show their changes.
              </p>
              <button type="button" onClick={() => void reloadLatest()}>
                Reload the latest version
              </button>
            </div>
          )}
          {!conflictError && <FormError error={save.error ?? remove.error} />}
          {reloaded && (
            <p className="notice" role="status" tabIndex={-1} ref={reloadedNotice}>
              {reloaded.kept.length === 0
                ? `Loaded the latest version (changed by ${reloaded.by}). You had not changed anything, so the task shows it as it is now.`
                : `Loaded the latest version (changed by ${reloaded.by}). Your changes to ${listOfFields(reloaded.kept)} are kept; the other fields show the latest version.${
                    Object.keys(reloaded.theirs).length > 0
                      ? ' Where you both changed a field, their value is shown under yours: keep yours or use theirs.'
                      : ''
                  } Check, then save.`}
            </p>
          )}
          <div role="status" className="saved-status">
            {saved && !save.isPending && <p className="notice">Saved.</p>}
          </div>

          <div className="task-panel-fields">
            <SelectField
              label="Status"
              value={shown('status')}
              onChange={(e) => send('status', e.target.value)}
            >
              {TASK_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Priority"
              value={shown('priority')}
              onChange={(e) => send('priority', e.target.value)}
            >
              {TASK_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Assignee"
              value={shown('assigneeId')}
              onChange={(e) => send('assigneeId', e.target.value)}
            >
              <MemberOptions members={members.data ?? []} none="Nobody" />
            </SelectField>
            <Field
              label="Due date"
              type="date"
              value={due ?? shown('dueDate')}
              onChange={(e) => setDue(e.target.value)}
              onBlur={() => commitDue(due)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  commitDue(due);
                }
              }}
              error={errors.dueDate ?? serverErrors.due_date}
              hint={dueHint(base)}
              hintBelow
            />
          </div>

          <div className="task-panel-description" ref={descriptionBox}>
            <h2>Description</h2>
            {description === null ? (
              <>
                {base.description ? (
                  <Markdown source={base.description} className="markdown task-description" />
                ) : (
                  <p className="muted">No description.</p>
                )}
                <button
                  type="button"
                  ref={editDescriptionButton}
                  className="button-secondary"
                  onClick={() => {
                    setSaved(false);
                    setDescription(base.description);
                  }}
                >
                  Edit description
                </button>
              </>
            ) : (
              <>
                <TextAreaField
                  label="Description"
                  value={description}
                  rows={8}
                  maxLength={LIMITS.taskDescription.max}
                  onChange={(e) => setDescription(e.target.value)}
                  error={errors.description ?? serverErrors.description}
                />
                {theirs.description !== undefined && (
                  <TheirValue
                    field="description"
                    text={theirs.description || '(empty)'}
                    onUse={() => {
                      setDescription(theirs.description ?? base.description);
                      setTheirs(({ description: _description, ...rest }) => rest);
                    }}
                  />
                )}
                <div className="button-row">
                  <button
                    type="button"
                    disabled={sending('description') !== undefined}
                    onClick={saveDescription}
                  >
                    {sending('description') !== undefined ? 'Saving…' : 'Save description'}
                  </button>
                  <button
                    type="button"
                    className="button-secondary"
                    onClick={() => {
                      setDescription(null);
                      setTheirs(({ description: _description, ...rest }) => rest);
                      setErrors((e) => ({ ...e, description: undefined }));
                    }}
                  >
                    Cancel<span className="visually-hidden"> editing the description</span>
                  </button>
                </div>
              </>
            )}
          </div>

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
              <button
                type="button"
                className="button-danger"
                onClick={() => setConfirmDelete(true)}
              >
                Delete task…
              </button>
            )}
          </div>
        </>
      )}
      {!can.editTasks && <TaskReadView task={base} members={members.data ?? []} />}

      <AttachmentsPanel projectId={project.id} taskId={taskId} canEdit={can.editTasks} />
      <CommentsSection
        projectId={project.id}
        taskId={taskId}
        canWrite={can.editTasks}
        canModerate={can.manageProject}
        members={members.data ?? []}
        me={user}
        onUnsentChange={setCommentUnsent}
      />
      <TaskHistory projectId={project.id} taskId={taskId} members={members.data ?? []} me={user} />
    </article>
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

/** The saved due date in words, as on the card ("3 days overdue", "due tomorrow"). */
function dueHint(task: Task): string | undefined {
  if (!task.due_date) return undefined;
  const due = relativeDue(task.due_date, localToday(), task.status === 'done');
  return due.text.charAt(0).toUpperCase() + due.text.slice(1);
}
