import { createParser } from 'eventsource-parser';
import { api, session } from '../api';
import {
  backoffDelay,
  type ChangeEvent,
  DEFAULT_RETRY_MS,
  type LiveState,
  POLL_AFTER_FAILURES,
  parseChange,
  UNAVAILABLE_RETRY_MS,
} from './live';

/** What the stream tells its follower (useProjectEvents.ts turns it into cache work). */
export interface StreamFollower {
  state: (state: LiveState) => void;
  /** A new stream (not a resumed one) is open: what was read before it opened may be stale. */
  fresh: (openedAt: number) => void;
  change: (change: ChangeEvent) => void;
  /** Events were missed for good: read everything again. */
  reset: () => void;
  /** This user is no longer a member (or the project is gone): the stream will not come back. */
  removed: () => void;
}

/** How one connection ended, and so what the loop does next. */
type Ending =
  | { kind: 'closed' } // the follower let go
  | { kind: 'signed-out' } // the session is over: the app shows the login page
  | { kind: 'removed' }
  | { kind: 'expired'; token: string | null } // refresh the access token, reconnect at once
  | { kind: 'unavailable'; retryAfterMs: number } // poll, and try again later
  | { kind: 'dropped' } // the stream ended or broke: reconnect after `retry`, with backoff
  | { kind: 'refused' }; // an unexpected answer: back off

/**
 * Follows GET /api/projects/{id}/events (docs/decisions/0104) until the returned function is
 * called. The request goes through the app's API client, so it carries the access token and
 * a 401 refreshes it once; the body is read with `fetch` streaming (an EventSource cannot send
 * the Authorization header) and parsed by eventsource-parser. Each reconnect sends the last
 * event's id as Last-Event-ID, so the server resumes after it (or says `reset`).
 */
export function followProjectEvents(projectId: string, follower: StreamFollower): () => void {
  const closing = new AbortController();
  void run(projectId, follower, closing.signal);
  return () => closing.abort();
}

async function run(projectId: string, follower: StreamFollower, signal: AbortSignal) {
  const stream = { lastEventId: undefined as string | undefined, retryMs: DEFAULT_RETRY_MS };
  let failures = 0;
  follower.state('connecting');
  while (!signal.aborted) {
    const ending = await connect(projectId, follower, signal, stream, () => {
      failures = 0;
    });
    switch (ending.kind) {
      case 'closed':
      case 'signed-out':
        return;
      case 'removed':
        follower.removed();
        return;
      case 'expired':
        // As the API client does on a 401: one refresh (shared with the tab's other requests).
        if (await session.refresh(ending.token)) continue;
        if (!session.signedIn) return;
        failures += 1;
        break;
      case 'unavailable':
        failures = 0;
        follower.state('polling');
        await sleep(Math.max(UNAVAILABLE_RETRY_MS, ending.retryAfterMs), signal);
        continue;
      case 'dropped':
      case 'refused':
        failures += 1;
        break;
    }
    follower.state(failures >= POLL_AFTER_FAILURES ? 'polling' : 'reconnecting');
    await sleep(backoffDelay(failures, stream.retryMs), signal);
  }
}

/** One connection, from the request to its end. */
async function connect(
  projectId: string,
  follower: StreamFollower,
  signal: AbortSignal,
  stream: { lastEventId: string | undefined; retryMs: number },
  opened: () => void,
): Promise<Ending> {
  const token = session.accessToken;
  const resuming = stream.lastEventId;
  const startedAt = Date.now();
  let result: Awaited<ReturnType<typeof request>>;
  try {
    result = await request(projectId, resuming, signal);
  } catch {
    return signal.aborted ? { kind: 'closed' } : { kind: 'dropped' };
  }
  const { data: body, response } = result;
  if (!response.ok || !body) {
    await response.body?.cancel().catch(() => {});
    switch (response.status) {
      case 401:
        return { kind: 'signed-out' };
      case 404:
        return { kind: 'removed' };
      case 400:
        // A Last-Event-ID the server cannot use: start afresh (and read everything again).
        stream.lastEventId = undefined;
        return { kind: 'refused' };
      case 429:
      case 503:
        return { kind: 'unavailable', retryAfterMs: retryAfter(response) };
      default:
        return { kind: 'refused' };
    }
  }

  let ending: Ending = { kind: 'dropped' };
  const parser = createParser({
    onRetry: (ms) => {
      stream.retryMs = ms;
    },
    onEvent: (message) => {
      if (message.id) stream.lastEventId = message.id;
      switch (message.event) {
        case 'ready':
          opened();
          follower.state('live');
          if (resuming === undefined) follower.fresh(startedAt);
          break;
        case 'change': {
          const change = parseChange(message.data);
          if (change) follower.change(change);
          break;
        }
        case 'reset':
          follower.reset();
          break;
        case 'expired':
          ending = { kind: 'expired', token };
          break;
        case 'unavailable':
          ending = { kind: 'unavailable', retryAfterMs: 0 };
          break;
        case 'removed':
          ending = { kind: 'removed' };
          break;
      }
    },
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
      if (ending.kind !== 'dropped') break;
    }
  } catch {
    if (signal.aborted) return { kind: 'closed' };
  } finally {
    reader.cancel().catch(() => {});
  }
  return signal.aborted ? { kind: 'closed' } : ending;
}

function request(projectId: string, lastEventId: string | undefined, signal: AbortSignal) {
  return api.GET('/api/projects/{project_id}/events', {
    params: {
      path: { project_id: projectId },
      ...(lastEventId === undefined ? {} : { header: { 'Last-Event-ID': lastEventId } }),
    },
    parseAs: 'stream',
    signal,
  });
}

function retryAfter(response: Response): number {
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
