// The browser's session (src/api/session.ts): the token pair under `taskapp.session` in the
// tab's sessionStorage.
import { type APIRequestContext, expect, type Page } from '@playwright/test';
import { ACCESS_TOKEN_TTL_SECONDS } from './env';

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
}

export async function readSession(page: Page): Promise<StoredSession> {
  const raw = await page.evaluate(() => sessionStorage.getItem('taskapp.session'));
  expect(raw, 'a session in sessionStorage').not.toBeNull();
  return JSON.parse(raw ?? '{}') as StoredSession;
}

export async function writeSession(page: Page, session: StoredSession): Promise<void> {
  await page.evaluate((s) => sessionStorage.setItem('taskapp.session', JSON.stringify(s)), session);
}

/**
 * Waits (by asking the API, not by sleeping) until the tab's access token has expired, so the
 * tab's next requests are all refused with 401.
 */
export async function waitForAccessTokenExpiry(
  page: Page,
  request: APIRequestContext,
): Promise<void> {
  const { accessToken } = await readSession(page);
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
