import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { cookieHint, type RefreshOutcome, type SessionHint, SessionStore } from './session';

export type ApiClient = Client<paths>;

/** Endpoints that take no bearer token, and whose 401 means "wrong credentials". */
const PUBLIC_PATHS = new Set(['/api/auth/login', '/api/auth/signup', '/api/auth/refresh']);

/**
 * Sent to every auth route: the refresh token then travels as the HttpOnly session cookie
 * (never in a body script can read), and the routes that use the cookie take the header as
 * proof the request comes from our own pages (docs/decisions/0074).
 */
export const BROWSER_HEADERS = { 'X-Requested-With': 'fetch' } as const;

/** The Web Lock that serialises refreshes across this origin's tabs (one cookie for all). */
const REFRESH_LOCK = 'taskapp.refresh';

export interface ApiOptions {
  /** '' in the app: the API is same-origin under /api (CloudFront, or the local edge). */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Cross-tab serialisation; `navigator.locks` where the browser has it. */
  locks?: Pick<LockManager, 'request'> | null;
  /** Whether this browser has a session (session.ts); the hint cookie by default. */
  hint?: SessionHint | null;
}

/**
 * The typed client for the whole API, with the session attached: it adds the bearer token,
 * and on a 401 refreshes the access token once (shared by concurrent requests) and retries
 * the request once. A rejected refresh clears the session (the app then shows the login page).
 */
export function createApi(options: ApiOptions = {}): { api: ApiClient; session: SessionStore } {
  const baseUrl = options.baseUrl ?? '';
  const fetchImpl = (input: Request) => (options.fetch ?? globalThis.fetch)(input);
  const bare = createClient<paths>({ baseUrl, fetch: fetchImpl });
  const locks =
    options.locks !== undefined
      ? options.locks
      : typeof navigator !== 'undefined'
        ? (navigator.locks ?? null)
        : null;

  const refreshOnce = async (): Promise<RefreshOutcome> => {
    // The cookie goes with it (same origin); the body stays empty.
    const { data, response } = await bare.POST('/api/auth/refresh', {
      params: { header: BROWSER_HEADERS },
    });
    if (data) return data;
    // 401: no cookie, or expired, revoked or reused; 403/422: not a cookie of ours to use.
    return [401, 403, 422].includes(response.status) ? 'rejected' : 'unavailable';
  };
  // Another tab may be rotating the cookie right now: wait for it, then use the new cookie.
  const session = new SessionStore(
    async () => (locks ? await locks.request(REFRESH_LOCK, refreshOnce) : refreshOnce()),
    options.hint !== undefined
      ? options.hint
      : cookieHint(() => (typeof document !== 'undefined' ? document : undefined)),
  );

  const pending = new Map<string, { retry: Request; token: string | null }>();
  const auth: Middleware = {
    onRequest({ request, schemaPath, id }) {
      if (PUBLIC_PATHS.has(schemaPath)) return request;
      const token = session.accessToken;
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      // Keep an unread copy: the original's body is consumed by the first attempt.
      pending.set(id, { retry: request.clone(), token });
      return request;
    },
    async onResponse({ response, id }) {
      const entry = pending.get(id);
      pending.delete(id);
      if (!entry || response.status !== 401 || entry.token === null) return response;
      const refreshed = await session.refresh(entry.token);
      const token = session.accessToken;
      if (!refreshed || token === null) return response;
      entry.retry.headers.set('Authorization', `Bearer ${token}`);
      return fetchImpl(entry.retry);
    },
    onError({ id }) {
      pending.delete(id);
    },
  };

  const api = createClient<paths>({ baseUrl, fetch: fetchImpl });
  api.use(auth);
  return { api, session };
}
