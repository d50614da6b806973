/**
 * Live updates (issue 11, docs/decisions/0104): the pure part. What the project's event stream
 * sends, and what each event means for this tab's cache, decided without touching it (the hook
 * in useProjectEvents.ts does the work), plus the reconnect delays.
 */

/**
 * The `data` of a `change` event of GET /api/projects/{id}/events. The one definition of these
 * payloads in the app: the OpenAPI document describes them only in prose (the stream is
 * `text/event-stream`), so they are written here after the backend's
 * backend/src/taskapp/events/router.py (`_STREAM_DESCRIPTION`), which streams what
 * tasks/service.py and projects/service.py publish.
 */
export type ChangeEvent =
  | {
      kind: 'task.created' | 'task.updated' | 'task.deleted';
      task_id: string;
      version: number;
      /** Who made the change. */
      actor_id: string;
    }
  | { kind: 'member.joined' | 'member.changed' | 'member.removed'; user_id: string }
  /** A comment written, edited or deleted (comments/service.py): the task's version stays. */
  | { kind: CommentKind; task_id: string; comment_id: string; actor_id: string };

type CommentKind = 'comment.created' | 'comment.edited' | 'comment.deleted';

/** The stream's event names (the SSE `event` field); see events/router.py. */
export type StreamEventName = 'ready' | 'change' | 'reset' | 'unavailable' | 'expired' | 'removed';

const TASK_KINDS = new Set(['task.created', 'task.updated', 'task.deleted']);
const MEMBER_KINDS = new Set(['member.joined', 'member.changed', 'member.removed']);
const COMMENT_KINDS = new Set(['comment.created', 'comment.edited', 'comment.deleted']);

/** A `change` event's data, or null for one this app does not know (a newer backend's). */
export function parseChange(data: string): ChangeEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (
    typeof v.kind === 'string' &&
    TASK_KINDS.has(v.kind) &&
    typeof v.task_id === 'string' &&
    typeof v.version === 'number' &&
    typeof v.actor_id === 'string'
  ) {
    return value as ChangeEvent;
  }
  if (typeof v.kind === 'string' && MEMBER_KINDS.has(v.kind) && typeof v.user_id === 'string') {
    return value as ChangeEvent;
  }
  if (
    typeof v.kind === 'string' &&
    COMMENT_KINDS.has(v.kind) &&
    typeof v.task_id === 'string' &&
    typeof v.comment_id === 'string'
  ) {
    return value as ChangeEvent;
  }
  return null;
}

/** What this tab knows when an event arrives. */
export interface TabView {
  /** The signed-in user. */
  me: string | undefined;
  /** The newest version of the task this tab has cached (a list, or the task's own query). */
  versionOf: (taskId: string) => number | undefined;
  /** A write of this task by this tab is on its way: its answer will be written, not the event. */
  writing: (taskId: string) => boolean;
}

/** What to do with the cache for one `change` event. */
export type CacheAction =
  | { kind: 'none'; why: 'have-version' | 'own-write-in-flight' | 'not-cached' }
  /** GET that one task and write it into every cached list, count and detail (`writeTask`). */
  | { kind: 'fetch-task'; taskId: string; created: boolean }
  /** Take it out of every list; the counts are read again (`forgetTask`). */
  | { kind: 'forget-task'; taskId: string }
  /** Read the members again; `mine`: the change is about this user (their role). */
  | { kind: 'members'; mine: boolean }
  /** Read that task's comments and history again (only those: its fields did not change). */
  | { kind: 'comments'; taskId: string };

export function decideChange(change: ChangeEvent, tab: TabView): CacheAction {
  if ('comment_id' in change) return { kind: 'comments', taskId: change.task_id };
  if ('user_id' in change) return { kind: 'members', mine: change.user_id === tab.me };
  const have = tab.versionOf(change.task_id);
  if (change.kind === 'task.deleted') {
    // This tab's own delete already took it out (TaskPages.tsx); one it never had needs nothing.
    if (have === undefined && change.actor_id === tab.me)
      return { kind: 'none', why: 'not-cached' };
    return { kind: 'forget-task', taskId: change.task_id };
  }
  // A version this tab has (its own write, answered; or read after the change): nothing to do.
  if (have !== undefined && have >= change.version) return { kind: 'none', why: 'have-version' };
  // A move or save of it is on its way from this tab: its answer is written when it comes, and
  // a read now could put the card back mid-move (dnd-kit duplicates items on a refetch mid-drag).
  if (tab.writing(change.task_id)) return { kind: 'none', why: 'own-write-in-flight' };
  return { kind: 'fetch-task', taskId: change.task_id, created: change.kind === 'task.created' };
}

/** Which cached counts a task written by `writeTask` leaves out of date. */
export function countsToRefresh(
  before: { status: string; priority: string; assignee_id: string | null } | undefined,
  after: { status: string; priority: string; assignee_id: string | null },
  textChanged: boolean,
): 'all' | 'filtered' | 'none' {
  // Not in any cached list (new, or on a page not loaded): writeTask could not patch counts.
  if (!before) return 'all';
  // writeTask moves a count between statuses; a count filtered by what else changed is stale.
  if (before.priority !== after.priority || before.assignee_id !== after.assignee_id) {
    return 'filtered';
  }
  return textChanged ? 'filtered' : 'none';
}

/** The connection's state, as the board shows it. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'polling';

/** How often the board reads itself again while the stream is down. */
export const POLL_INTERVAL_MS = 10_000;
/** How long to poll before trying the stream again, once the server said it has none. */
export const UNAVAILABLE_RETRY_MS = 30_000;
/** The server's `retry` until it sends one (events/router.py RECONNECT_MILLISECONDS). */
export const DEFAULT_RETRY_MS = 2_000;
/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 30_000;
/** Failed attempts in a row after which the board polls while it keeps trying. */
export const POLL_AFTER_FAILURES = 3;

/**
 * The wait before reconnect attempt `failures` (1 for the first after a failure): the server's
 * `retry`, doubled for each failure in a row, capped, with "equal jitter" (half fixed, half
 * random) so the browsers a restart dropped do not all come back in the same instant.
 */
export function backoffDelay(
  failures: number,
  retryMs: number = DEFAULT_RETRY_MS,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(MAX_BACKOFF_MS, retryMs * 2 ** Math.min(exponent, 16));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** What the board says about its updates (and whether it polls). */
export const LIVE_LABELS: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: `Updates every ${POLL_INTERVAL_MS / 1000} s`,
};
