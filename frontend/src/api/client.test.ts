import { describe, expect, it, vi } from 'vitest';
import { createApi } from './client';
import { ApiError, unwrap } from './errors';
import { cookieHint, SESSION_HINT_COOKIE } from './session';

const BASE = 'http://app.test';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const tokens = (n: number) => ({
  access_token: `access-${n}`,
  token_type: 'bearer',
  expires_in: 900,
});

const user = {
  id: 'u1',
  email: 'a@example.com',
  display_name: 'A',
  created_at: '2030-01-01T00:00:00Z',
};

/**
 * A fake API with the browser's cookie jar folded in: the jar holds `refresh-<n>`; a refresh
 * with the current cookie rotates it and gives access-<n+1>; access-2 and later are valid.
 */
function fakeBackend(
  options: { refreshStatus?: number; refreshDelayMs?: number; cookie?: string | null } = {},
) {
  const calls: string[] = [];
  const jar = { cookie: options.cookie === undefined ? 'refresh-1' : options.cookie };
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    const auth = request.headers.get('Authorization');
    calls.push(`${request.method} ${path} ${auth ?? '-'}`);
    if (path === '/api/auth/refresh') {
      expect(request.headers.get('X-Requested-With')).toBe('fetch');
      expect(await request.text()).toBe('');
      const sent = jar.cookie;
      await new Promise((r) => setTimeout(r, options.refreshDelayMs ?? 0));
      if (options.refreshStatus) {
        return json(options.refreshStatus, { error: { code: 'x', message: 'Refresh refused.' } });
      }
      const n = Number(sent?.split('-')[1]);
      if (!sent || sent !== jar.cookie) {
        return json(401, { error: { code: 'unauthorized', message: 'no' } });
      }
      jar.cookie = `refresh-${n + 1}`;
      return json(200, tokens(n + 1));
    }
    if (!auth || Number(auth.split('-')[1]) < 2) {
      return json(401, { error: { code: 'unauthorized', message: 'Token expired.' } });
    }
    if (path === '/api/projects' && request.method === 'POST') {
      const body = (await request.json()) as { name: string };
      return json(201, { id: 'p1', name: body.name });
    }
    return json(200, user);
  });
  return { fetch, calls, jar };
}

/** A SessionHint in memory; `value` null: unknown, as with storage blocked. */
function memoryHint(value: boolean | null) {
  const hint = {
    value,
    read: () => hint.value,
    write: (signedIn: boolean) => {
      hint.value = signedIn;
    },
  };
  return hint;
}

function signedIn(fetch: typeof globalThis.fetch) {
  const { api, session } = createApi({ baseUrl: BASE, fetch, locks: null });
  session.set(tokens(1));
  return { api, session };
}

/** navigator.locks in miniature: one holder per name at a time, the others queue. */
function fakeLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request: (<T>(name: string, callback: () => Promise<T>): Promise<T> => {
      const run = (tails.get(name) ?? Promise.resolve()).then(callback);
      tails.set(
        name,
        run.catch(() => {}),
      );
      return run;
    }) as unknown as LockManager['request'],
  };
}

describe('the API client session', () => {
  it('starts with the silent refresh: the cookie gives an access token', async () => {
    const backend = fakeBackend();
    const { api, session } = createApi({ baseUrl: BASE, fetch: backend.fetch, locks: null });
    expect(session.status).toBe('checking');
    await session.start();
    await session.start(); // once, whoever asks
    expect(session.status).toBe('signed-in');
    expect(session.accessToken).toBe('access-2');
    unwrap(await api.GET('/api/auth/me'));
    expect(backend.calls).toEqual(['POST /api/auth/refresh -', 'GET /api/auth/me Bearer access-2']);
  });

  it('starts signed out without a cookie (401), and on a network failure', async () => {
    const none = createApi({
      baseUrl: BASE,
      fetch: fakeBackend({ cookie: null }).fetch,
      locks: null,
    });
    await none.session.start();
    expect(none.session.status).toBe('signed-out');
    const down = createApi({
      baseUrl: BASE,
      fetch: () => Promise.reject(new TypeError('offline')),
      locks: null,
    });
    await down.session.start();
    expect(down.session.status).toBe('signed-out');
  });

  it('remembers that this browser has a session, and skips the refresh when it has none', async () => {
    const hint = memoryHint(null);
    const first = createApi({ baseUrl: BASE, fetch: fakeBackend().fetch, locks: null, hint });
    await first.session.start(); // unknown: asks, and the answer is remembered
    expect([first.session.status, hint.value]).toEqual(['signed-in', true]);
    first.session.clear(); // log out
    expect(hint.value).toBe(false);

    // A new tab after logging out (or a visitor who never logged in): no request at all.
    const backend = fakeBackend();
    const next = createApi({ baseUrl: BASE, fetch: backend.fetch, locks: null, hint });
    await next.session.start();
    expect(next.session.status).toBe('signed-out');
    expect(backend.calls).toEqual([]);
    next.session.set(tokens(3)); // logged in through the form
    expect(hint.value).toBe(true);
  });

  it('forgets the hint when the refresh is refused, keeps it when the backend is unreachable', async () => {
    const refused = memoryHint(true);
    const gone = createApi({
      baseUrl: BASE,
      fetch: fakeBackend({ cookie: null }).fetch,
      locks: null,
      hint: refused,
    });
    await gone.session.start();
    expect([gone.session.status, refused.value]).toEqual(['signed-out', false]);

    const kept = memoryHint(true);
    const down = createApi({
      baseUrl: BASE,
      fetch: () => Promise.reject(new TypeError('offline')),
      locks: null,
      hint: kept,
    });
    await down.session.start();
    expect([down.session.status, kept.value]).toEqual(['signed-out', true]);
  });

  it('sends the bearer token, but not to the public auth endpoints', async () => {
    const backend = fakeBackend();
    const { api, session } = signedIn(backend.fetch);
    session.set(tokens(2));
    await api.GET('/api/auth/me');
    await api.POST('/api/auth/login', { body: { email: 'a@example.com', password: 'x' } });
    expect(backend.calls).toEqual(['GET /api/auth/me Bearer access-2', 'POST /api/auth/login -']);
  });

  it('refreshes an expired access token once and retries the request', async () => {
    const backend = fakeBackend();
    const { api, session } = signedIn(backend.fetch);
    const me = unwrap(await api.GET('/api/auth/me'));
    expect(me.email).toBe('a@example.com');
    expect(backend.calls).toEqual([
      'GET /api/auth/me Bearer access-1',
      'POST /api/auth/refresh -',
      'GET /api/auth/me Bearer access-2',
    ]);
    expect(session.accessToken).toBe('access-2');
    expect(backend.jar.cookie).toBe('refresh-2');
  });

  it('retries a request with a body using an unread copy of it', async () => {
    const backend = fakeBackend();
    const { api } = signedIn(backend.fetch);
    const created = unwrap(
      await api.POST('/api/projects', { body: { name: 'Kept body', description: '' } }),
    );
    expect(created.name).toBe('Kept body');
  });

  it('makes one refresh for many concurrent 401s (refresh tokens are single-use)', async () => {
    const backend = fakeBackend({ refreshDelayMs: 20 });
    const { api } = signedIn(backend.fetch);
    const results = await Promise.all([
      api.GET('/api/auth/me'),
      api.GET('/api/auth/me'),
      api.GET('/api/auth/me'),
    ]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(backend.calls.filter((c) => c.includes('/refresh'))).toHaveLength(1);
  });

  it('serialises refreshes across tabs with a Web Lock: each uses the cookie the last one set', async () => {
    // Two tabs, one cookie jar; without the lock both would send refresh-1 at once.
    const backend = fakeBackend({ refreshDelayMs: 20 });
    const locks = fakeLocks();
    const tabs = [1, 2].map(() => createApi({ baseUrl: BASE, fetch: backend.fetch, locks }));
    await Promise.all(tabs.map((tab) => tab.session.start()));
    expect(tabs.map((tab) => tab.session.status)).toEqual(['signed-in', 'signed-in']);
    expect(tabs.map((tab) => tab.session.accessToken).sort()).toEqual(['access-2', 'access-3']);
    expect(backend.jar.cookie).toBe('refresh-3');
  });

  it('does not refresh again for a request that failed with an already replaced token', async () => {
    const backend = fakeBackend();
    const { api, session } = signedIn(backend.fetch);
    await api.GET('/api/auth/me'); // rotates to pair 2
    expect(await session.refresh('access-1')).toBe(true);
    expect(backend.calls.filter((c) => c.includes('/refresh'))).toHaveLength(1);
  });

  it('ends the session when the refresh is refused, and reports the 401', async () => {
    const backend = fakeBackend({ refreshStatus: 401 });
    const { api, session } = signedIn(backend.fetch);
    const ended = vi.fn();
    session.subscribe(ended);
    const result = await api.GET('/api/auth/me');
    expect(result.response.status).toBe(401);
    expect(() => unwrap(result)).toThrow(ApiError);
    expect(session.status).toBe('ended');
    expect(session.signedIn).toBe(false);
    expect(session.accessToken).toBeNull();
    expect(ended).toHaveBeenCalledTimes(1);
    // Ended stays ended, without asking again, until somebody logs in.
    const calls = backend.calls.length;
    expect(await session.refresh(null)).toBe(false);
    expect(backend.calls).toHaveLength(calls);
    session.set(tokens(5));
    expect(session.status).toBe('signed-in');
  });

  it('says ended only of a session this tab had: not at start, not after logging out here', async () => {
    // The store decides, whenever a listener subscribed: the app's first render is a transition
    // and its effects may run after the silent refresh answered.
    const hint = memoryHint(true);
    const never = createApi({
      baseUrl: BASE,
      fetch: fakeBackend({ refreshStatus: 401 }).fetch,
      locks: null,
      hint,
    });
    await never.session.start();
    expect(never.session.status).toBe('signed-out');

    // A request of this tab fails while it logs out: the refusal that follows is the log out's.
    const backend = fakeBackend({ refreshStatus: 401, refreshDelayMs: 20 });
    const { api, session } = signedIn(backend.fetch);
    const pending = api.GET('/api/auth/me');
    await new Promise((r) => setTimeout(r, 5)); // its refresh is under way
    session.clear();
    expect((await pending).response.status).toBe(401);
    expect(session.status).toBe('signed-out');
  });

  it('keeps the session when the refresh fails for a transient reason', async () => {
    const backend = fakeBackend({ refreshStatus: 503 });
    const { api, session } = signedIn(backend.fetch);
    const result = await api.GET('/api/auth/me');
    expect(result.response.status).toBe(401);
    expect(session.signedIn).toBe(true);
  });

  it('never retries twice: a second 401 goes back to the caller', async () => {
    const fetch = vi.fn(async (input: RequestInfo | URL) =>
      new URL((input as Request).url).pathname === '/api/auth/refresh'
        ? json(200, tokens(3))
        : json(401, { error: { code: 'unauthorized', message: 'No.' } }),
    );
    const { api } = signedIn(fetch);
    const result = await api.GET('/api/auth/me');
    expect(result.response.status).toBe(401);
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe('unwrap', () => {
  it("throws the API's message and code", () => {
    const response = new Response(null, { status: 412 });
    const error = {
      error: {
        code: 'precondition_failed',
        message: 'Changed meanwhile.',
        details: { current_version: 3 },
      },
    };
    try {
      unwrap({ error, response });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).message).toBe('Changed meanwhile.');
      expect((e as ApiError).status).toBe(412);
      expect((e as ApiError).details).toEqual({ current_version: 3 });
    }
  });

  it('gives a readable message for a body that is not the error shape', () => {
    expect(() =>
      unwrap({ error: 'Bad Gateway', response: new Response(null, { status: 502 }) }),
    ).toThrow(/unavailable/);
  });
});

describe('the session hint cookie', () => {
  it('is a flag script sets and clears, unknown without a document or with cookies blocked', () => {
    // document.cookie in miniature: a write sets or expires one cookie, a read lists them all.
    const jar = new Map<string, string>([['other', 'x']]);
    const writes: string[] = [];
    const doc = {
      get cookie() {
        return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      },
      set cookie(line: string) {
        writes.push(line);
        const [pair = '', ...attributes] = line.split('; ');
        const [name = '', value = ''] = pair.split('=');
        if (attributes.includes('Max-Age=0')) jar.delete(name);
        else jar.set(name, value);
      },
    };
    const hint = cookieHint(() => doc);
    expect(hint.read()).toBe(false);
    hint.write(true);
    expect(hint.read()).toBe(true);
    expect(writes[0]).toBe(
      `${SESSION_HINT_COOKIE}=1; Path=/; Max-Age=31536000; SameSite=Strict; Secure`,
    );
    hint.write(false);
    expect(hint.read()).toBe(false);
    expect(jar.has('other')).toBe(true);

    expect(cookieHint(() => undefined).read()).toBeNull();
    const blocked = cookieHint(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    expect(blocked.read()).toBeNull();
    expect(() => blocked.write(true)).not.toThrow();
  });
});
