import {
  DndContext,
  type DragEndEvent,
  type DragOverEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import {
  createContext,
  type KeyboardEvent,
  memo,
  type ReactNode,
  type RefObject,
  startTransition,
  useCallback,
  useContext,
  useDeferredValue,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  SORT_LABELS,
  STATUS_LABELS,
  TASK_PRIORITIES,
  TASK_SORTS,
  TASK_STATUSES,
  type Task,
  type TaskStatus,
} from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { LIMITS } from '../lib/validation';
import { useMembers } from '../projects/hooks';
import { MemberOptions } from '../projects/MemberOptions';
import { useProjectContext } from '../projects/ProjectLayout';
import { Empty, ErrorView, Loading, PageHeading, SelectField } from '../ui/components';
import { useShortcut } from '../ui/shortcuts';
import { useToasts } from '../ui/toasts';
import { columnTasks, type TaskFilters } from './board';
import { initials, localToday, relativeDue } from './cards';
import {
  announcements,
  type BoardOrder,
  boardKeyboardCoordinates,
  type CardData,
  cardCollision,
  columnCollision,
  columnOf,
  type DragPlaces,
  dropOrder,
  landing,
  locate,
  moveAcross,
  placement,
  screenReaderInstructions,
  statusOf,
  taskOf,
} from './dragAndDrop';
import { FilterBar } from './FilterBar';
import { boardQuery, toggleMine } from './filters';
import { useColumnPages, useTaskCounts } from './hooks';
import { shouldFetchNextPage, watchSentinel } from './infiniteScroll';
import { LiveStatus } from './LiveStatus';
import { MOVE_TOAST, moveToast } from './MoveNotice';
import { useMoveTask } from './moves';
import { taskPath } from './panel';
import { QuickAdd } from './QuickAdd';
import { initialSearch, searchSent, searchToSend, urlSearchChanged } from './search';

/**
 * The board's search (filters, sort) as in the address, for the cards' links: given by
 * BoardRoute.tsx, read by each card's link alone, so a new search does not re-render cards.
 */
export const BoardSearch = createContext('');

export function BoardPage() {
  const { project, can, live } = useProjectContext();
  const { user } = useAuth();
  const poll = live.pollInterval;
  const [params, setParams] = useSearchParams();
  // `assignee=me` ("My tasks") is whoever reads the address.
  const { filters, sort } = boardQuery(params, user?.id);
  const ordered = sort === 'position';
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
  // "Clear filters" also starts the search box afresh (a new key): text typed but not yet
  // sent must not come back 300 ms later (issue 10, bug 3). The sort is not a filter: kept.
  const [searchBox, setSearchBox] = useState(0);
  const clearFilters = () => {
    setSearchBox((n) => n + 1);
    setParams(
      (prev) => {
        const next = new URLSearchParams();
        const kept = prev.get('sort');
        if (kept) next.set('sort', kept);
        return next;
      },
      { replace: true },
    );
    // The button goes with the filters; focus goes to the search box rather than the page.
    requestAnimationFrame(() => document.getElementById('task-search')?.focus());
  };

  // "/" goes to the search box.
  useShortcut('search', () => {
    const box = document.getElementById('task-search');
    if (box instanceof HTMLInputElement) {
      box.focus();
      box.select();
    }
  });

  const members = useMembers(project.id, poll);
  const counts = useTaskCounts(project.id, filters, poll);
  const shown = TASK_STATUSES.filter((s) => !filters.status || filters.status === s);
  // One query per column, each with its own cursor (issue 10, bug 1); hidden columns idle.
  const lists: Record<TaskStatus, ColumnPages> = {
    todo: useColumnPages(project.id, 'todo', filters, sort, shown.includes('todo'), poll),
    in_progress: useColumnPages(
      project.id,
      'in_progress',
      filters,
      sort,
      shown.includes('in_progress'),
      poll,
    ),
    done: useColumnPages(project.id, 'done', filters, sort, shown.includes('done'), poll),
  };
  const todo = useMemo(() => columnTasks(lists.todo.data?.pages ?? [], 'todo'), [lists.todo.data]);
  const inProgress = useMemo(
    () => columnTasks(lists.in_progress.data?.pages ?? [], 'in_progress'),
    [lists.in_progress.data],
  );
  const done = useMemo(() => columnTasks(lists.done.data?.pages ?? [], 'done'), [lists.done.data]);
  const loading = shown.some((s) => lists[s].isPending);
  // New cards in numbers are rendered in the background (issue 10): the first pages (90 cards),
  // a page loaded. That render is a transition that yields to the browser every few
  // milliseconds, instead of one long task that holds up input; until it is done, the board
  // shows what it showed before (at first, "Loading tasks…"). A move, an edit or a card added
  // shows at once.
  const latest = useMemo(
    () => ({ pending: loading, columns: { todo, in_progress: inProgress, done } }),
    [loading, todo, inProgress, done],
  );
  const deferred = useDeferredValue(latest, NOT_RENDERED);
  const rendered =
    latest.pending === deferred.pending && cardCount(latest) <= cardCount(deferred) + 1
      ? latest
      : deferred;
  const { pending, columns } = rendered;
  const mounted = useMountedCards(columns, pending);
  const failed = shown.filter((s) => lists[s].isError && !lists[s].isFetchNextPageError);
  const empty = shown.every((s) => columns[s].length === 0 && !lists[s].hasNextPage);
  const mine = user !== undefined && filters.assigneeId === user.id;
  const filtered = Boolean(filters.status || filters.priority || filters.assigneeId || filters.q);
  const memberName = (id: string | null) =>
    members.data?.find((m) => m.user_id === id)?.display_name ?? null;

  // Moves (issue 10, bug 5): optimistic, one PATCH each, a notice with Undo or the conflict.
  const toasts = useToasts();
  const move = useMoveTask(project.id, (outcome) =>
    toasts.show(
      moveToast(outcome, user?.id, memberName, (task, to, afterId) =>
        moveTask(task, to, 'move', { undo: true, afterId }),
      ),
    ),
  );
  // Undo belongs to this board: it goes with it.
  useEffect(() => () => toasts.dismiss(MOVE_TOAST), [toasts]);
  // The card remounts in its new column: focus follows it there (select, handle or undo).
  const focusAfterMove = useRef<FocusRequest | null>(null);
  const moveTask: MoveTask = (task, to, focus, place = {}) => {
    const { afterId, undoAfterId, undo = false } = place;
    if (to === task.status && afterId === undefined) return;
    focusAfterMove.current = focus ? { taskId: task.id, status: to, target: focus } : null;
    move.mutate(
      { task, to, undo, afterId, undoAfterId },
      {
        // Should the cache not have changed the columns, the drop's order goes all the same.
        onSettled: () => {
          if (!dragging.current?.active) setPreview(null);
        },
      },
    );
  };

  // The same function for every render, so a card re-renders only when it changes (TaskCard).
  const latestMove = useRef(moveTask);
  latestMove.current = moveTask;
  const onMove = useCallback<MoveTask>((...args) => latestMove.current(...args), []);

  // Drag and drop (dnd-kit): a handle on each card, the keyboard too. In the board's order,
  // the cards of each column are a sortable list; `preview` is the order shown while a card is
  // dragged into another column, and after a drop until the cache has the move.
  const sensors = useSensors(
    // A press on the handle that does not move 6 px is not a drag.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    // Instant scrolling: the sensor works out where the card is from the scroll it asked for.
    useSensor(KeyboardSensor, {
      coordinateGetter: boardKeyboardCoordinates,
      scrollBehavior: 'auto',
    }),
  );
  const [dragged, setDragged] = useState<Task | null>(null);
  const [preview, setPreview] = useState<BoardOrder | null>(null);
  const dragging = useRef<DragState | null>(null);
  const places = useRef<DragPlaces>({
    ordered,
    origin: () => undefined,
    landing: () => undefined,
  });
  places.current = {
    ordered,
    origin: (id) => (dragging.current ? landing(dragging.current.start, id) : undefined),
    landing: (id, overId) => {
      const drag = dragging.current;
      if (!drag || overId === undefined) return undefined;
      if (drag.dropped) return landing(drag.dropped, id);
      const column = statusOf(overId) ?? locate(drag.order, overId)?.status;
      if (!column) return undefined;
      const at = ordered ? landing(dropOrder(drag.order, id, overId), id) : undefined;
      // Under another sort, or a column the card is not shown in yet: its top.
      return at?.status === column
        ? at
        : { status: column, position: 1, count: drag.order[column].length + 1 };
    },
  };
  const spoken = useMemo(() => announcements(() => places.current), []);
  // The cache has the move (or something else changed the columns): show the cache again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the columns shown change
  useEffect(() => {
    if (!dragging.current?.active) setPreview(null);
  }, [rendered]);
  const onDragStart = ({ active }: DragStartEvent) => {
    const start = orderOf(columns, shown);
    dragging.current = { active: true, start, order: start };
    setDragged(taskOf(active.data) ?? null);
  };
  const onDragOver = ({ active, over }: DragOverEvent) => {
    const drag = dragging.current;
    const to = columnOf(over);
    if (!ordered || !drag || !over || !to) return;
    // Into another column: before the card it is over, or after it when below its middle.
    const card = active.rect.current.translated;
    const below =
      card !== null && card.top + card.height / 2 > over.rect.top + over.rect.height / 2;
    const order = moveAcross(
      drag.order,
      active.id,
      to,
      statusOf(over.id) ? undefined : over.id,
      below,
    );
    if (order === drag.order) return;
    drag.order = order;
    setPreview(order);
  };
  const onDragEnd = ({ active, over, activatorEvent }: DragEndEvent) => {
    setDragged(null);
    const drag = dragging.current;
    const task = taskOf(active.data);
    if (drag) drag.active = false;
    const focus = activatorEvent instanceof KeyboardEvent ? 'handle' : undefined;
    if (!drag || !task || !over) return setPreview(null);
    if (!ordered) {
      const to = statusOf(over.id);
      setPreview(null);
      if (to) moveTask(task, to, focus);
      return;
    }
    const order = dropOrder(drag.order, active.id, over.id);
    drag.dropped = order;
    const place = placement(order, active.id);
    const was = placement(drag.start, active.id);
    if (!place || !was || (place.to === was.to && place.afterId === was.afterId)) {
      return setPreview(null);
    }
    // Shown in its new place until the cache has it (the optimistic write follows).
    setPreview(order);
    moveTask(task, place.to, focus, { afterId: place.afterId, undoAfterId: was.afterId });
  };
  const onDragCancel = () => {
    if (dragging.current) dragging.current.active = false;
    setDragged(null);
    setPreview(null);
  };
  const byId = new Map(shown.flatMap((s) => columns[s].map((t) => [t.id, t] as const)));
  const shownTasks = (status: TaskStatus): Task[] =>
    preview ? preview[status].flatMap((id) => byId.get(id) ?? []) : mounted[status];

  return (
    <section>
      <div className="heading-row">
        <PageHeading>Board</PageHeading>
        <LiveStatus state={live.state} />
        {can.editTasks && (
          <Link className="button" to={`/projects/${project.id}/tasks/new`}>
            New task
          </Link>
        )}
      </div>
      <search>
        <FilterBar
          filters={filters}
          search={
            <SearchBox key={searchBox} value={filters.q ?? ''} onChange={(q) => setParam('q', q)} />
          }
        >
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
            <MemberOptions members={members.data ?? []} none="Anyone" />
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
          <button
            type="button"
            className="button-secondary toggle"
            aria-pressed={mine}
            onClick={() => setParam('assignee', toggleMine(filters.assigneeId, user?.id))}
          >
            <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
              {mine && (
                <polyline
                  points="2,6.5 5,9.5 10,3"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="2"
                />
              )}
            </svg>
            My tasks
          </button>
          {filtered && (
            <button type="button" className="button-secondary" onClick={clearFilters}>
              Clear filters
            </button>
          )}
        </FilterBar>
      </search>

      {pending ? (
        <Loading label="Loading tasks…" />
      ) : failed.length > 0 ? (
        <ErrorView
          error={lists[failed[0] as TaskStatus].error}
          title="Could not load tasks"
          onRetry={() => {
            for (const s of failed) void lists[s].refetch();
          }}
        />
      ) : empty && (filtered || !can.editTasks) ? (
        filtered ? (
          <Empty title="No tasks match these filters.">
            <p>Change or clear the filters above to see more.</p>
          </Empty>
        ) : (
          <Empty title="No tasks yet.">
            <p>Members of this project add tasks; they will show up here.</p>
          </Empty>
        )
      ) : (
        <>
          {/* An empty board for someone who can add: the columns, each with its quick add. */}
          {empty && (
            <Empty title="No tasks yet.">
              <p>
                Add the first one at the top of a column, or{' '}
                <Link to={`/projects/${project.id}/tasks/new`}>
                  create one with all its details
                </Link>
                .
              </p>
            </Empty>
          )}
          <DndContext
            sensors={sensors}
            collisionDetection={ordered ? cardCollision : columnCollision}
            // Focus is ours to place: the card remounts in its new column (focusAfterMove); on a
            // cancel, or a drop where it was, it never left the handle.
            accessibility={{ announcements: spoken, screenReaderInstructions, restoreFocus: false }}
            onDragStart={onDragStart}
            onDragOver={onDragOver}
            onDragEnd={onDragEnd}
            onDragCancel={onDragCancel}
          >
            <div className="board">
              {shown.map((status) => (
                <BoardColumn
                  key={status}
                  status={status}
                  tasks={shownTasks(status)}
                  ordered={ordered}
                  pages={lists[status]}
                  mounting={mounted[status] !== columns[status]}
                  count={counts.data?.[status]}
                  filtered={filtered}
                  filters={filters}
                  projectId={project.id}
                  canEdit={can.editTasks}
                  memberName={memberName}
                  onMove={onMove}
                  focusAfterMove={focusAfterMove}
                />
              ))}
            </div>
            <DragOverlay dropAnimation={null}>
              {dragged && <CardPreview task={dragged} assignee={memberName(dragged.assignee_id)} />}
            </DragOverlay>
          </DndContext>
        </>
      )}
    </section>
  );
}

type ColumnPages = ReturnType<typeof useColumnPages>;

interface Rendered {
  pending: boolean;
  columns: Record<TaskStatus, Task[]>;
}

/** What the board shows before its first render of the cards. */
const NOT_RENDERED: Rendered = { pending: true, columns: { todo: [], in_progress: [], done: [] } };

const cardCount = ({ columns }: Rendered) =>
  columns.todo.length + columns.in_progress.length + columns.done.length;

/** The cards per column the first commit of a board mounts, and each commit after it adds. */
const CARDS_PER_COMMIT = 10;

/**
 * The cards of a board's first pages, mounted a few per column at a time. A commit of cards is
 * one task (the DOM, dnd-kit registering them, their style and layout): the first pages (90
 * cards) in one commit made the longest tasks of the board's load, while a phone's screen shows
 * two or three. The rest follow in transitions, each after the last commit; then every card
 * loaded mounts at once (a move, a card added, a page loaded), until the board loads afresh
 * ("Loading tasks…", a new filter). A column mounted in full is the array given, so memoised
 * children stay as they are.
 */
function useMountedCards(
  columns: Record<TaskStatus, Task[]>,
  pending: boolean,
): Record<TaskStatus, Task[]> {
  const [limit, setLimit] = useState(CARDS_PER_COMMIT);
  if (pending && limit !== CARDS_PER_COMMIT) setLimit(CARDS_PER_COMMIT);
  const longest = Math.max(...TASK_STATUSES.map((status) => columns[status].length));
  useEffect(() => {
    if (pending || limit === Number.POSITIVE_INFINITY) return;
    const next = limit + CARDS_PER_COMMIT;
    startTransition(() => setLimit(next >= longest ? Number.POSITIVE_INFINITY : next));
  }, [pending, limit, longest]);
  return useMemo(() => {
    const cut = (tasks: Task[]) => (tasks.length > limit ? tasks.slice(0, limit) : tasks);
    return {
      todo: cut(columns.todo),
      in_progress: cut(columns.in_progress),
      done: cut(columns.done),
    };
  }, [columns, limit]);
}

/** A drag under way (or the last one): the order at its start, as shown now, and as dropped. */
interface DragState {
  active: boolean;
  start: BoardOrder;
  order: BoardOrder;
  dropped?: BoardOrder;
}

/** The ids of the cards each shown column holds, top first. */
function orderOf(
  columns: Record<TaskStatus, Task[]>,
  shown: readonly TaskStatus[] = TASK_STATUSES,
): BoardOrder {
  const ids = (status: TaskStatus) =>
    shown.includes(status) ? columns[status].map((task) => task.id) : [];
  return { todo: ids('todo'), in_progress: ids('in_progress'), done: ids('done') };
}

/** Under a sort other than the board's order, the cards of a column do not make way. */
const noReordering = () => null;

/**
 * A column: its heading with the count under the board's filters, its tasks, and its own
 * "Load more" (infinite scroll with a button). When the button goes with the column's last
 * page, a keyboard user's focus would drop to the top of the document: it moves to the
 * column's heading instead.
 */
function BoardColumn({
  status,
  tasks,
  ordered,
  pages,
  mounting,
  count,
  filtered,
  filters,
  projectId,
  canEdit,
  memberName,
  onMove,
  focusAfterMove,
}: {
  status: TaskStatus;
  tasks: Task[];
  /** The board's order: cards take a place within the column. */
  ordered: boolean;
  pages: ColumnPages;
  /** Cards loaded are still being mounted (useMountedCards): the next page waits for them. */
  mounting: boolean;
  count: number | undefined;
  filtered: boolean;
  filters: TaskFilters;
  projectId: string;
  canEdit: boolean;
  memberName: (id: string | null) => string | null;
  onMove: MoveTask;
  focusAfterMove: RefObject<FocusRequest | null>;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The column is where a dragged card is dropped (empty columns too).
  const { setNodeRef, isOver } = useDroppable({ id: status, disabled: !canEdit });
  const loadMoreFocused = useRef(false);
  useEffect(() => {
    if (pages.hasNextPage || !loadMoreFocused.current) return;
    loadMoreFocused.current = false;
    if (document.activeElement === null || document.activeElement === document.body) {
      heading.current?.focus();
    }
  }, [pages.hasNextPage]);
  const label = STATUS_LABELS[status];
  // The same array while the column's tasks are the same: the column's sortable context, and
  // so its cards, stay as they are when another column changes.
  const ids = useMemo(() => tasks.map((task) => task.id), [tasks]);
  return (
    <section
      ref={setNodeRef}
      className={isOver ? 'column drop-target' : 'column'}
      aria-labelledby={`column-${status}`}
    >
      <h2 id={`column-${status}`} ref={heading} tabIndex={-1}>
        {label}{' '}
        <span className="count">
          {count === undefined ? '' : `${count}`}
          <span className="visually-hidden"> tasks</span>
        </span>
      </h2>
      {canEdit && <QuickAdd projectId={projectId} status={status} filters={filters} />}
      {tasks.length === 0 ? (
        <p className="muted">Nothing here{filtered ? ' for these filters' : ''}.</p>
      ) : (
        <SortableContext
          id={`cards-${status}`}
          items={ids}
          strategy={ordered ? verticalListSortingStrategy : noReordering}
        >
          <ul className="task-list" aria-label={label}>
            {tasks.map((task, index) => (
              <TaskCard
                key={task.id}
                task={task}
                column={status}
                above={ordered ? (tasks[index - 1]?.id ?? null) : undefined}
                ordered={ordered}
                canEdit={canEdit}
                assignee={memberName(task.assignee_id)}
                onMove={onMove}
                focusAfterMove={focusAfterMove}
              />
            ))}
          </ul>
        </SortableContext>
      )}
      {pages.hasNextPage && (
        <LoadMore
          column={label}
          loading={pages.isFetchingNextPage || mounting}
          onFocusChange={(focused) => {
            loadMoreFocused.current = focused;
          }}
          onLoad={() => {
            if (shouldFetchNextPage(pages)) void pages.fetchNextPage();
          }}
        />
      )}
      {pages.isFetchNextPageError && (
        <ErrorView error={pages.error} title={`Could not load more of “${label}”`} />
      )}
    </section>
  );
}

/** Search as you type (debounced), bounded like the API's `q`; follows the URL (search.ts). */
function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [state, setState] = useState(() => initialSearch(value));
  // The URL's search changed under us ("Clear filters", back, forward): show it.
  const current = urlSearchChanged(state, value);
  if (current !== state) setState(current);
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const q = searchToSend(current);
    if (q === null) return;
    const timer = setTimeout(() => {
      setState((s) => searchSent(s, q));
      latest.current(q);
    }, 300);
    return () => clearTimeout(timer);
  }, [current]);
  return (
    <div className="field">
      <label htmlFor="task-search">Search</label>
      <input
        id="task-search"
        type="search"
        value={current.text}
        maxLength={LIMITS.search.max}
        placeholder="Search tasks"
        onChange={(e) => setState({ ...current, text: e.target.value })}
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
  column,
  loading,
  onLoad,
  onFocusChange,
}: {
  column: string;
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
        <span className="visually-hidden"> in {column}</span>
      </button>
    </div>
  );
}

/** A place asked for in the board's order (moves.ts `MoveVariables`). */
interface Place {
  afterId?: string | null | undefined;
  undoAfterId?: string | null | undefined;
  undo?: boolean;
}

type MoveTask = (task: Task, to: TaskStatus, focus?: FocusRequest['target'], place?: Place) => void;

/** Where focus goes once a moved card has remounted in its new column. */
interface FocusRequest {
  taskId: string;
  /** The column it goes to: the card still in the old one (re-rendering) must not take it. */
  status: TaskStatus;
  target: 'move' | 'handle';
}

/** A card: memoised, so a render of the board re-renders only the cards whose props changed. */
const TaskCard = memo(function TaskCard({
  task,
  column,
  above,
  ordered,
  canEdit,
  assignee,
  onMove,
  focusAfterMove,
}: {
  task: Task;
  /** The column it shows in (while dragged into another one, not yet its status). */
  column: TaskStatus;
  /** The card above it in the board's order (null: it is first), for Undo. */
  above: string | null | undefined;
  ordered: boolean;
  canEdit: boolean;
  assignee: string | null;
  onMove: MoveTask;
  focusAfterMove: RefObject<FocusRequest | null>;
}) {
  const data: CardData = { task, column };
  const {
    attributes,
    listeners,
    setNodeRef,
    setActivatorNodeRef,
    isDragging,
    transform,
    transition,
  } = useSortable({
    id: task.id,
    data,
    // Under another sort a card is no place to drop on: only the columns are.
    disabled: canEdit ? { draggable: false, droppable: !ordered } : true,
  });
  const moveButton = useRef<HTMLButtonElement>(null);
  const handle = useRef<HTMLButtonElement | null>(null);
  const handleRef = useCallback(
    (node: HTMLButtonElement | null) => {
      handle.current = node;
      setActivatorNodeRef(node);
    },
    [setActivatorNodeRef],
  );
  // A card moved by its Move button or the keyboard remounts in its new column: focus follows it.
  useLayoutEffect(() => {
    const request = focusAfterMove.current;
    if (request?.taskId !== task.id || request.status !== task.status) return;
    const target = request.target === 'move' ? moveButton.current : handle.current;
    if (!target) return;
    focusAfterMove.current = null;
    target.focus();
  });
  return (
    <li
      ref={setNodeRef}
      className={isDragging ? 'card task-card dragging' : 'card task-card'}
      style={{
        transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
        transition,
      }}
    >
      <div className="card-head">
        <CardTitle projectId={task.project_id} taskId={task.id} title={task.title} />
        {canEdit && (
          <button
            type="button"
            className="drag-handle"
            ref={handleRef}
            {...attributes}
            {...listeners}
            aria-label={
              ordered
                ? `Drag ${task.title} to another column or place`
                : `Drag ${task.title} to another column`
            }
          >
            {GRIP_ICON}
          </button>
        )}
      </div>
      <CardMeta task={task} assignee={assignee} />
      {canEdit && <MoveChoices task={task} above={above} onMove={onMove} buttonRef={moveButton} />}
    </li>
  );
});

// A card's parts that do not drag, memoised: dnd-kit re-renders every sortable card when the
// board's droppables change (a card mounted or gone), and these then stay as they are.

/** The card's one link, stretched over the whole card (.card-link::after): a click anywhere on
 * it opens the task; the handle and the select sit above it. */
const CardTitle = memo(function CardTitle({
  projectId,
  taskId,
  title,
}: {
  projectId: string;
  taskId: string;
  title: string;
}) {
  // Read here, not passed down: a new search re-renders the links, not the whole cards.
  const search = useContext(BoardSearch);
  return (
    <Link to={taskPath(projectId, taskId, search)} className="card-title card-link">
      {title}
    </Link>
  );
});

/**
 * "Move": the way to move a card without dragging (WCAG 2.5.7), a disclosure: the button shows
 * the other columns as buttons under it. Not a select on every card: a board of 90 cards then
 * had 90 form controls, and Chrome's autofill visits each one after every change of the page,
 * forcing a layout for each inside a card skipped off-screen (ADR 0109); buttons it leaves
 * alone, so every card can skip layout until it nears the screen.
 */
const MoveChoices = memo(function MoveChoices({
  task,
  above,
  onMove,
  buttonRef,
}: {
  task: Task;
  above: string | null | undefined;
  onMove: MoveTask;
  buttonRef: RefObject<HTMLButtonElement | null>;
}) {
  const [open, setOpen] = useState(false);
  const choices = useId();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) first.current?.focus();
  }, [open]);
  // Escape on the button or a choice closes the choices (only: not a panel around the board).
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return;
    event.stopPropagation();
    setOpen(false);
    buttonRef.current?.focus();
  };
  return (
    <div className="move">
      <button
        type="button"
        ref={buttonRef}
        onKeyDown={onKeyDown}
        className="button-secondary"
        aria-expanded={open}
        aria-controls={open ? choices : undefined}
        aria-label={`Move ${task.title}`}
        onClick={() => setOpen((was) => !was)}
      >
        Move
      </button>
      {open && (
        <ul id={choices} className="move-choices" aria-label={`Move ${task.title} to`}>
          {TASK_STATUSES.filter((status) => status !== task.status).map((status, index) => (
            <li key={status}>
              <button
                type="button"
                className="button-secondary"
                ref={index === 0 ? first : undefined}
                onKeyDown={onKeyDown}
                onClick={() => {
                  setOpen(false);
                  onMove(task, status, 'move', { undoAfterId: above });
                }}
              >
                {STATUS_LABELS[status]}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});

const CardMeta = memo(function CardMeta({
  task,
  assignee,
}: {
  task: Task;
  assignee: string | null;
}) {
  const due = task.due_date && relativeDue(task.due_date, localToday(), task.status === 'done');
  return (
    <p className="meta">
      <PriorityMark priority={task.priority} />
      {task.due_date && due && (
        <span className={`due due-${due.state}`}>
          {due.state === 'overdue' && <OverdueIcon />}
          {due.state === 'soon' && <SoonIcon />}
          <time dateTime={task.due_date} title={`Due ${task.due_date}`}>
            {due.text}
          </time>
        </span>
      )}
      {task.comment_count > 0 && (
        <span className="comment-count">
          <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
            <path d="M1 2h10v6H5l-3 3V8H1z" fill="none" stroke="currentColor" strokeWidth="1.4" />
          </svg>
          {task.comment_count}
          <span className="visually-hidden">
            {task.comment_count === 1 ? ' comment' : ' comments'}
          </span>
        </span>
      )}
      {assignee && (
        <span className="avatar" role="img" aria-label={`Assigned to ${assignee}`} title={assignee}>
          {initials(assignee)}
        </span>
      )}
    </p>
  );
});

/** The priority's word beside a shape of its own, so it never rests on colour alone. */
function PriorityMark({ priority }: { priority: Task['priority'] }) {
  const shapes: Record<Task['priority'], ReactNode> = {
    low: <polyline points="2,4 6,8 10,4" fill="none" stroke="currentColor" strokeWidth="2" />,
    medium: <path d="M2 4.5h8M2 7.5h8" stroke="currentColor" strokeWidth="2" />,
    high: <polyline points="2,8 6,4 10,8" fill="none" stroke="currentColor" strokeWidth="2" />,
    urgent: (
      <>
        <polygon points="6,0.5 11.5,11 0.5,11" fill="currentColor" />
        <path d="M6 4v3.5M6 9v0.8" stroke="var(--card)" strokeWidth="1.6" />
      </>
    ),
  };
  return (
    <span className={`badge priority priority-${priority}`}>
      <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
        {shapes[priority]}
      </svg>
      {priority}
    </span>
  );
}

function OverdueIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" role="img" aria-label="Overdue">
      <circle cx="8" cy="8" r="7" fill="currentColor" />
      <path d="M8 4v5M8 11v1.2" stroke="var(--card)" strokeWidth="2" />
    </svg>
  );
}

function SoonIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" role="img" aria-label="Due soon">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path d="M8 4.5V8l2.5 1.8" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

/** The card under the pointer while dragging: a picture of it (the card stays in its list). */
function CardPreview({ task, assignee }: { task: Task; assignee: string | null }) {
  return (
    <div className="card task-card drag-preview" aria-hidden="true">
      <div className="card-head">
        <span className="card-title">{task.title}</span>
      </div>
      <CardMeta task={task} assignee={assignee} />
    </div>
  );
}

/** Six dots, as one path (a card's elements count: issue 10). */
const GRIP_DOTS = [5, 10, 15]
  .flatMap((y) => [7, 13].map((x) => `M${x - 1.6} ${y}a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0`))
  .join('');

const GRIP_ICON = (
  <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
    <path d={GRIP_DOTS} fill="currentColor" />
  </svg>
);
