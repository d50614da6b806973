// The browser's session (src/api/session.ts, docs/decisions/0074): the refresh token is the
// HttpOnly cookie `taskapp_refresh` (Path=/api/auth), the access token lives in the tab's
// memory only. Tests see the access token on the wire, in the requests the tab sends.
import { type APIRequestContext, type BrowserContext, expect, type Page } from '@playwright/test';
import { SESSION_HINT_COOKIE } from '../../src/api/session';
import { ACCESS_TOKEN_TTL_SECONDS } from './env';

export const SESSION_COOKIE = 'taskapp_refresh';

/** A cookie with every attribute set: fit for addCookies and for a context's storageState. */
type Cookie = Required<
  Pick<
    Parameters<BrowserContext['addCookies']>[0][number],
    'name' | 'value' | 'domain' | 'path' | 'expires' | 'httpOnly' | 'secure' | 'sameSite'
  >
>;

/** The session cookie exactly as the backend sets it (auth/transport.py). */
export function sessionCookie(domain: string, value: string): Cookie {
  return {
    name: SESSION_COOKIE,
    value,
    domain,
    path: '/api/auth',
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    expires: Math.floor(Date.now() / 1000) + 14 * 86400,
  };
}

/**
 * A browser context's starting state, signed in as the app leaves a browser after a log-in:
 * the session cookie, and the app's hint cookie that this browser has a session
 * (src/api/session.ts; without it the app does not try the session cookie).
 */
export function signedInState(appUrl: string, refreshToken: string) {
  const domain = new URL(appUrl).hostname;
  const hint: Cookie = {
    ...sessionCookie(domain, '1'),
    name: SESSION_HINT_COOKIE,
    path: '/',
    httpOnly: false,
  };
  return { cookies: [sessionCookie(domain, refreshToken), hint], origins: [] };
}

const lastAccessToken = new WeakMap<Page, string>();

/** Remembers the bearer token of each request the page sends (fixtures.ts watches every page). */
export function watchAccessToken(page: Page): void {
  page.on('request', (request) => {
    const authorization = request.headers().authorization;
    if (authorization?.startsWith('Bearer ')) lastAccessToken.set(page, authorization.slice(7));
  });
}

/** The access token the page used last. */
export function accessTokenOf(page: Page): string {
  const token = lastAccessToken.get(page);
  expect(token, 'the page has sent an authenticated request').toBeTruthy();
  return token ?? '';
}

/**
 * Waits (by asking the API, not by sleeping) until the tab's access token has expired, so the
 * tab's next requests are all refused with 401.
 */
export async function waitForAccessTokenExpiry(
  page: Page,
  request: APIRequestContext,
): Promise<void> {
  const accessToken = accessTokenOf(page);
  await expect
    .poll(
      async () =>
        (
          await request.get('/api/auth/me', { headers: { authorization: `Bearer ${accessToken}` } })
        ).status(),
      { timeout: (ACCESS_TOKEN_TTL_SECONDS + 10) * 1000, intervals: [250] },
    )
    .toBe(401);
}
