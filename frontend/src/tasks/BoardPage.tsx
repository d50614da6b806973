import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api, unwrap } from '../api';
import {
  SORT_LABELS,
  STATUS_LABELS,
  TASK_PRIORITIES,
  TASK_SORTS,
  TASK_STATUSES,
  type Task,
  type TaskSort,
  type TaskStatus,
} from '../api/types';
import { LIMITS } from '../lib/validation';
import { useMembers } from '../projects/hooks';
import { useProjectContext } from '../projects/ProjectLayout';
import { Empty, ErrorView, FormError, Loading, PageHeading, SelectField } from '../ui/components';
import { groupByStatus, type TaskFilters } from './board';
import { etag, taskKeys, useTaskCounts, useTaskPages } from './hooks';
import { shouldFetchNextPage, watchSentinel } from './infiniteScroll';

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

export function BoardPage() {
  const { project, can } = useProjectContext();
  const [params, setParams] = useSearchParams();
  const filters: TaskFilters = {
    status: oneOf(TASK_STATUSES, params.get('status')),
    priority: oneOf(TASK_PRIORITIES, params.get('priority')),
    assigneeId: params.get('assignee') || undefined,
    q: params.get('q') || undefined,
  };
  const sort: TaskSort = oneOf(TASK_SORTS, params.get('sort')) ?? '-created_at';
  const setParam = (name: string, value: string | undefined) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  const members = useMembers(project.id);
  const counts = useTaskCounts(project.id);
  const pages = useTaskPages(project.id, filters, sort);
  // The "Load more" button disappears with the last page; a keyboard user whose focus was on
  // it would be thrown back to the top of the document. Send focus to the page heading instead.
  const loadMoreFocused = useRef(false);
  useEffect(() => {
    if (pages.hasNextPage || !loadMoreFocused.current) return;
    loadMoreFocused.current = false;
    if (document.activeElement === null || document.activeElement === document.body) {
      document.querySelector<HTMLElement>('h1.page-heading')?.focus();
    }
  }, [pages.hasNextPage]);
  const columns = useMemo(() => groupByStatus(pages.data?.pages ?? []), [pages.data]);
  const loaded = TASK_STATUSES.reduce((n, s) => n + columns[s].length, 0);
  const filtered = Boolean(filters.status || filters.priority || filters.assigneeId || filters.q);
  const memberName = (id: string | null) =>
    members.data?.find((m) => m.user_id === id)?.display_name ?? null;

  return (
    <section>
      <div className="heading-row">
        <PageHeading>Board</PageHeading>
        {can.editTasks && (
          <Link className="button" to={`/projects/${project.id}/tasks/new`}>
            New task
          </Link>
        )}
      </div>
      <search>
        <form className="filters" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
          <SearchBox value={filters.q ?? ''} onChange={(q) => setParam('q', q)} />
          <SelectField
            label="Status"
            value={filters.status ?? ''}
            onChange={(e) => setParam('status', e.target.value)}
          >
            <option value="">Any status</option>
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Priority"
            value={filters.priority ?? ''}
            onChange={(e) => setParam('priority', e.target.value)}
          >
            <option value="">Any priority</option>
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Assignee"
            value={filters.assigneeId ?? ''}
            onChange={(e) => setParam('assignee', e.target.value)}
          >
            <option value="">Anyone</option>
            {members.data?.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.display_name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Sort by"
            value={sort}
            onChange={(e) => setParam('sort', e.target.value)}
          >
            {TASK_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </SelectField>
        </form>
      </search>

      {pages.isPending ? (
        <Loading label="Loading tasks…" />
      ) : pages.isError ? (
        <ErrorView
          error={pages.error}
          title="Could not load tasks"
          onRetry={() => pages.refetch()}
        />
      ) : loaded === 0 ? (
        filtered ? (
          <Empty title="No tasks match these filters.">
            <button type="button" className="button-secondary" onClick={() => setParams({})}>
              Clear filters
            </button>
          </Empty>
        ) : (
          <Empty title="No tasks yet.">
            {can.editTasks ? (
              <p>
                <Link to={`/projects/${project.id}/tasks/new`}>Create the first task</Link>.
              </p>
            ) : (
              <p>Members of this project add tasks; they will show up here.</p>
            )}
          </Empty>
        )
      ) : (
        <div className="board">
          {TASK_STATUSES.filter((s) => !filters.status || filters.status === s).map((status) => (
            <section key={status} className="column" aria-labelledby={`column-${status}`}>
              <h2 id={`column-${status}`}>
                {STATUS_LABELS[status]}{' '}
                <span className="count">
                  {counts.data ? `${counts.data[status]}` : ''}
                  <span className="visually-hidden"> tasks</span>
                </span>
              </h2>
              {columns[status].length === 0 ? (
                <p className="muted">Nothing here{filtered ? ' for these filters' : ''}.</p>
              ) : (
                <ul className="task-list" aria-label={STATUS_LABELS[status]}>
                  {columns[status].map((task) => (
                    <TaskCard
                      key={task.id}
                      task={task}
                      canEdit={can.editTasks}
                      assignee={memberName(task.assignee_id)}
                    />
                  ))}
                </ul>
              )}
            </section>
          ))}
        </div>
      )}
      {pages.hasNextPage && (
        <LoadMore
          loading={pages.isFetchingNextPage}
          onFocusChange={(focused) => {
            loadMoreFocused.current = focused;
          }}
          onLoad={() => {
            if (shouldFetchNextPage(pages)) void pages.fetchNextPage();
          }}
        />
      )}
      {pages.isFetchNextPageError && (
        <ErrorView error={pages.error} title="Could not load more tasks" />
      )}
    </section>
  );
}

/** Search as you type (debounced), bounded like the API's `q`. */
function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => latest.current(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text, value]);
  return (
    <div className="field">
      <label htmlFor="task-search">Search</label>
      <input
        id="task-search"
        type="search"
        value={text}
        maxLength={LIMITS.search.max}
        placeholder="Words in title or description"
        onChange={(e) => setText(e.target.value)}
      />
    </div>
  );
}

/**
 * Infinite scroll: loads the next page when the sentinel comes into view; also a button.
 * It stops watching while a page loads and watches afresh once it is in, so a sentinel still
 * in view then (a tall screen) loads the next page too. The button stays enabled while
 * loading (a second press is ignored) so a keyboard user's focus is not dropped.
 */
function LoadMore({
  loading,
  onLoad,
  onFocusChange,
}: {
  loading: boolean;
  onLoad: () => void;
  onFocusChange: (focused: boolean) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const latest = useRef(onLoad);
  latest.current = onLoad;
  useEffect(() => {
    const node = ref.current;
    if (!node || loading) return;
    return watchSentinel(node, () => latest.current());
  }, [loading]);
  return (
    <div ref={ref} className="load-more">
      <button
        type="button"
        className="button-secondary"
        onClick={onLoad}
        aria-busy={loading}
        onFocus={() => onFocusChange(true)}
        // A blur caused by the button's own removal must not count as leaving it.
        onBlur={(event) => event.currentTarget.isConnected && onFocusChange(false)}
      >
        {loading ? 'Loading more tasks…' : 'Load more tasks'}
      </button>
    </div>
  );
}

function TaskCard({
  task,
  canEdit,
  assignee,
}: {
  task: Task;
  canEdit: boolean;
  assignee: string | null;
}) {
  const queryClient = useQueryClient();
  const move = useMutation({
    mutationFn: async (status: TaskStatus) =>
      unwrap(
        await api.PATCH('/api/projects/{project_id}/tasks/{task_id}', {
          params: {
            path: { project_id: task.project_id, task_id: task.id },
            header: { 'if-match': etag(task.version) },
          },
          body: { status },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskKeys.all(task.project_id) }),
  });
  const conflict = move.error instanceof ApiError && move.error.status === 412;
  return (
    <li className="card task-card">
      <Link to={`/projects/${task.project_id}/tasks/${task.id}`} className="card-title">
        {task.title}
      </Link>
      <p className="meta">
        <span className={`badge priority-${task.priority}`}>{task.priority}</span>
        {task.due_date && <span>due {task.due_date}</span>}
        {assignee && <span>· {assignee}</span>}
      </p>
      {canEdit && (
        <label className="inline-select">
          <span>Move to</span>
          <select
            aria-label={`Status of ${task.title}`}
            value={task.status}
            disabled={move.isPending}
            onChange={(e) => move.mutate(e.target.value as TaskStatus)}
          >
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      )}
      {conflict ? (
        <p className="form-error" role="alert">
          Someone else changed this task; the board now shows the latest version.
        </p>
      ) : (
        <FormError error={move.error} />
      )}
    </li>
  );
}
