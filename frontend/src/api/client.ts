import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { type KeyValueStore, type RefreshOutcome, SessionStore } from './session';

export type ApiClient = Client<paths>;

/** Endpoints that take no bearer token, and whose 401 means "wrong credentials". */
const PUBLIC_PATHS = new Set(['/api/auth/login', '/api/auth/signup', '/api/auth/refresh']);

export interface ApiOptions {
  /** '' in the app: the API is same-origin under /api (CloudFront, or the local edge). */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  storage?: KeyValueStore | null;
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

  const session = new SessionStore(
    options.storage ?? null,
    async (refreshToken): Promise<RefreshOutcome> => {
      const { data, response } = await bare.POST('/api/auth/refresh', {
        body: { refresh_token: refreshToken },
      });
      if (data) return data;
      // 401: expired, revoked or reused; 422: malformed. Anything else may pass.
      return response.status === 401 || response.status === 422 ? 'rejected' : 'unavailable';
    },
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
