/**
 * The signed-in session (docs/decisions/0074). The access token lives in memory only; the
 * refresh token is an HttpOnly cookie scoped to /api/auth that script never sees. At start
 * the app asks POST /api/auth/refresh once (`start`): a new access token means signed in, a
 * 401 means the login page. Afterwards a single-flight refresh makes any number of requests
 * failing with 401 at once cause exactly one refresh in this tab; across tabs the refresh is
 * serialised by a Web Lock (client.ts), and the backend's grace window covers what is left.
 *
 * Script cannot see the HttpOnly cookie, so the app keeps a hint of its own that this browser
 * has a session (`SessionHint`: set when signed in, cleared on log out or a refused refresh).
 * Without it the first refresh is not even tried: a visitor who never logged in gets the login
 * page without a request, and without the 401 every browser logs as an error. A hint that
 * cannot be read (no document, cookies blocked) means "try"; a hint that outlived its session
 * costs one refused refresh, which clears it.
 */

/** Whether this browser had a session when last seen; null: unknown. */
export interface SessionHint {
  read(): boolean | null;
  write(signedIn: boolean): void;
}

/**
 * The hint is a cookie script sets, a flag with no secret in it: shared by the origin's tabs,
 * and kept by tools that reset a site's storage but not its cookies (Lighthouse). Its value is
 * never read by the API (CloudFront forwards only the session cookie, ADR 0074).
 */
export const SESSION_HINT_COOKIE = 'taskapp_session';
/** A year: a hint older than the session only costs one refused refresh. */
const HINT_MAX_AGE_SECONDS = 365 * 86_400;

export function cookieHint(doc: () => Pick<Document, 'cookie'> | undefined): SessionHint {
  return {
    read() {
      try {
        const d = doc();
        if (!d) return null;
        return d.cookie.split(';').some((c) => c.trim() === `${SESSION_HINT_COOKIE}=1`);
      } catch {
        return null;
      }
    },
    write(signedIn) {
      try {
        const d = doc();
        if (!d) return;
        const maxAge = signedIn ? HINT_MAX_AGE_SECONDS : 0;
        d.cookie = `${SESSION_HINT_COOKIE}=${signedIn ? '1' : ''}; Path=/; Max-Age=${maxAge}; SameSite=Strict; Secure`;
      } catch {
        // Cookies blocked: the next load asks the backend, as without a hint.
      }
    },
  };
}

export interface AccessToken {
  access_token: string;
  expires_in: number;
}

/** What a refresh attempt returned: a new access token, 'rejected' (log in again), or a transient failure. */
export type RefreshOutcome = AccessToken | 'rejected' | 'unavailable';

/**
 * 'checking' until the first refresh has answered: neither the app nor the login page yet.
 * 'ended': this tab was signed in and the backend has since refused the session (logged out in
 * another tab, the password changed elsewhere, expired); the login page says so. 'signed-out':
 * no session at start, or logged out here.
 */
export type SessionStatus = 'checking' | 'signed-in' | 'signed-out' | 'ended';

export class SessionStore {
  private token: string | null = null;
  private state: SessionStatus = 'checking';
  private inflight: Promise<boolean> | null = null;
  private started: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly doRefresh: () => Promise<RefreshOutcome>,
    private readonly hint: SessionHint | null = null,
  ) {}

  get accessToken(): string | null {
    return this.token;
  }

  get status(): SessionStatus {
    return this.state;
  }

  get signedIn(): boolean {
    return this.state === 'signed-in';
  }

  /** The silent refresh on load; once, whoever calls it. */
  start(): Promise<void> {
    if (this.hint?.read() === false) {
      this.started ??= Promise.resolve();
      if (this.state === 'checking') this.update(null, 'signed-out');
    }
    this.started ??= this.refresh(null).then(() => {
      if (this.state === 'checking') this.update(null, 'signed-out');
    });
    return this.started;
  }

  set(tokens: AccessToken): void {
    this.hint?.write(true);
    this.update(tokens.access_token, 'signed-in');
  }

  /** Logged out in this tab: this browser has no session now. */
  clear(): void {
    this.hint?.write(false);
    this.update(null, 'signed-out');
  }

  /**
   * The backend refused the session. Only a tab that was signed in has a session that ended: at
   * start it means there was none, and after a log out here it stays a log out. (The store
   * decides, not a listener: a listener subscribed in an effect misses the changes between the
   * first render and that effect, and the first render is a transition that yields.)
   */
  private refused(): void {
    this.hint?.write(false);
    this.update(null, this.state === 'signed-in' ? 'ended' : 'signed-out');
  }

  /** Told of every change of status (signed in, out, ended, or the first answer). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(token: string | null, state: SessionStatus): void {
    const changed = state !== this.state;
    this.token = token;
    this.state = state;
    if (changed) for (const listener of this.listeners) listener();
  }

  /**
   * Refreshes the access token once for all concurrent callers. Resolves true when a new
   * access token is in place; false when there is none (and the session has been cleared if
   * the backend rejected the refresh cookie).
   * `staleAccessToken` is the token the failed request used: if the session already holds a
   * different one (another request refreshed meanwhile), no new refresh is made. `null`: the
   * first refresh, at start.
   */
  refresh(staleAccessToken: string | null): Promise<boolean> {
    if (this.state === 'signed-out' || this.state === 'ended') return Promise.resolve(false);
    if (staleAccessToken !== null && this.token !== staleAccessToken) {
      return Promise.resolve(this.token !== null);
    }
    if (this.inflight) return this.inflight;
    this.inflight = this.doRefresh()
      .catch((): RefreshOutcome => 'unavailable')
      .then((outcome) => {
        if (outcome === 'rejected') {
          this.refused();
          return false;
        }
        if (outcome === 'unavailable') return false;
        this.set(outcome);
        return true;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}
