/**
 * The signed-in session: the token pair, kept in sessionStorage (one session per tab, see
 * docs/decisions/0070), and a single-flight refresh so that any number of requests failing
 * with 401 at once cause exactly one POST /api/auth/refresh (the backend rotates refresh
 * tokens and treats reuse of an old one as theft, revoking the whole family).
 */

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
}

/** What a refresh attempt returned: new tokens, 'rejected' (log in again), or a transient failure. */
export type RefreshOutcome = TokenPair | 'rejected' | 'unavailable';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const STORAGE_KEY = 'taskapp.session';

export class SessionStore {
  private current: StoredSession | null;
  private inflight: Promise<boolean> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: KeyValueStore | null,
    private readonly doRefresh: (refreshToken: string) => Promise<RefreshOutcome>,
  ) {
    this.current = SessionStore.read(storage);
  }

  private static read(storage: KeyValueStore | null): StoredSession | null {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<StoredSession>;
      if (typeof parsed.accessToken === 'string' && typeof parsed.refreshToken === 'string') {
        return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken };
      }
    } catch {
      // fall through: a corrupt entry is no session
    }
    return null;
  }

  get accessToken(): string | null {
    return this.current?.accessToken ?? null;
  }

  get refreshToken(): string | null {
    return this.current?.refreshToken ?? null;
  }

  get signedIn(): boolean {
    return this.current !== null;
  }

  set(tokens: TokenPair): void {
    this.current = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
    this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.current));
    this.emit();
  }

  clear(): void {
    const had = this.current !== null;
    this.current = null;
    this.storage?.removeItem(STORAGE_KEY);
    if (had) this.emit();
  }

  /** Called when the session ends without the user asking (refresh rejected). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Refreshes the access token once for all concurrent callers. Resolves true when a new
   * access token is in place; false when there is none (and the session has been cleared if
   * the backend rejected the refresh token).
   * `staleAccessToken` is the token the failed request used: if the session already holds a
   * different one (another request refreshed meanwhile), no new refresh is made.
   */
  refresh(staleAccessToken: string | null): Promise<boolean> {
    if (this.current === null) return Promise.resolve(false);
    if (staleAccessToken !== null && this.current.accessToken !== staleAccessToken) {
      return Promise.resolve(true);
    }
    if (this.inflight) return this.inflight;
    const refreshToken = this.current.refreshToken;
    this.inflight = this.doRefresh(refreshToken)
      .catch((): RefreshOutcome => 'unavailable')
      .then((outcome) => {
        if (outcome === 'rejected') {
          this.clear();
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
