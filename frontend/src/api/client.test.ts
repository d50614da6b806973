import { describe, expect, it, vi } from 'vitest';
import { createApi } from './client';
import { ApiError, unwrap } from './errors';
import type { KeyValueStore } from './session';

const BASE = 'http://app.test';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const tokens = (n: number) => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: 'bearer',
  expires_in: 900,
});

const user = {
  id: 'u1',
  email: 'a@example.com',
  display_name: 'A',
  created_at: '2030-01-01T00:00:00Z',
};

/** A fake API: access-2 is valid, access-1 expired; refresh-1 rotates to pair 2. */
function fakeBackend(options: { refreshStatus?: number; refreshDelayMs?: number } = {}) {
  const calls: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    const auth = request.headers.get('Authorization');
    calls.push(`${request.method} ${path} ${auth ?? '-'}`);
    if (path === '/api/auth/refresh') {
      const body = (await request.json()) as { refresh_token: string };
      await new Promise((r) => setTimeout(r, options.refreshDelayMs ?? 0));
      if (options.refreshStatus) {
        return json(options.refreshStatus, { error: { code: 'x', message: 'Refresh refused.' } });
      }
      return body.refresh_token === 'refresh-1'
        ? json(200, tokens(2))
        : json(401, { error: { code: 'invalid_token', message: 'no' } });
    }
    if (auth !== 'Bearer access-2') {
      return json(401, { error: { code: 'unauthorized', message: 'Token expired.' } });
    }
    if (path === '/api/projects' && request.method === 'POST') {
      const body = (await request.json()) as { name: string };
      return json(201, { id: 'p1', name: body.name });
    }
    return json(200, user);
  });
  return { fetch, calls };
}

function signedIn(fetch: typeof globalThis.fetch) {
  const storage = memoryStore();
  const { api, session } = createApi({ baseUrl: BASE, fetch, storage });
  session.set(tokens(1));
  return { api, session, storage };
}

describe('the API client session', () => {
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
    const { api, session, storage } = signedIn(backend.fetch);
    const me = unwrap(await api.GET('/api/auth/me'));
    expect(me.email).toBe('a@example.com');
    expect(backend.calls).toEqual([
      'GET /api/auth/me Bearer access-1',
      'POST /api/auth/refresh -',
      'GET /api/auth/me Bearer access-2',
    ]);
    expect(session.refreshToken).toBe('refresh-2');
    expect(JSON.parse(storage.data.get('taskapp.session') ?? '{}')).toEqual({
      accessToken: 'access-2',
      refreshToken: 'refresh-2',
    });
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

  it('does not refresh again for a request that failed with an already replaced token', async () => {
    const backend = fakeBackend();
    const { api, session } = signedIn(backend.fetch);
    await api.GET('/api/auth/me'); // rotates to pair 2
    expect(await session.refresh('access-1')).toBe(true);
    expect(backend.calls.filter((c) => c.includes('/refresh'))).toHaveLength(1);
  });

  it('clears the session when the refresh is refused, and reports the 401', async () => {
    const backend = fakeBackend({ refreshStatus: 401 });
    const { api, session, storage } = signedIn(backend.fetch);
    const ended = vi.fn();
    session.subscribe(ended);
    const result = await api.GET('/api/auth/me');
    expect(result.response.status).toBe(401);
    expect(() => unwrap(result)).toThrow(ApiError);
    expect(session.signedIn).toBe(false);
    expect(storage.data.size).toBe(0);
    expect(ended).toHaveBeenCalledTimes(1);
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

  it('restores a session from storage and ignores a corrupt entry', () => {
    const storage = memoryStore();
    storage.setItem('taskapp.session', JSON.stringify({ accessToken: 'a', refreshToken: 'r' }));
    expect(createApi({ baseUrl: BASE, storage }).session.accessToken).toBe('a');
    storage.setItem('taskapp.session', '{not json');
    expect(createApi({ baseUrl: BASE, storage }).session.signedIn).toBe(false);
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
