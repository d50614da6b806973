// The session outlives the tab (issue 10, bug 4; docs/decisions/0074): the refresh token is an
// HttpOnly, Secure, SameSite=Strict cookie scoped to /api/auth, the access token lives in each
// tab's memory, and every tab starts with a silent refresh.
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { SESSION_COOKIE } from './support/session';

const projectsHeading = (page: Page) => page.getByRole('heading', { name: 'Projects', level: 1 });
const loginHeading = (page: Page) => page.getByRole('heading', { name: 'Log in', level: 1 });

async function sessionCookieOf(context: BrowserContext) {
  const cookies = (await context.cookies()).filter((c) => c.name === SESSION_COOKIE);
  expect(cookies, 'one session cookie').toHaveLength(1);
  return cookies[0];
}

test('logging in through the form sets the session cookie; script cannot read it', async ({
  page,
  newAccount,
}) => {
  const account = await newAccount('Lena Login');
  await page.goto('/login');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  const login = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(projectsHeading(page)).toBeVisible();

  // Chromium kept the Secure cookie over http://127.0.0.1 (a potentially trustworthy origin).
  const setCookie = (await (await login).headerValue('set-cookie')) ?? '';
  expect(setCookie).toMatch(
    /^taskapp_refresh=[\w-]{43}; Path=\/api\/auth; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/,
  );
  const cookie = await sessionCookieOf(page.context());
  expect(cookie).toMatchObject({
    path: '/api/auth',
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
  });
  expect(cookie?.expires, 'a persistent cookie: it outlives the browser').toBeGreaterThan(
    Date.now() / 1000 + 86400,
  );
  // No token anywhere script can reach.
  const visible = await page.evaluate(() => ({
    cookie: document.cookie,
    session: JSON.stringify({ ...sessionStorage }),
    local: JSON.stringify({ ...localStorage }),
  }));
  expect(visible.cookie).not.toContain(SESSION_COOKIE);
  expect(visible.session).not.toContain(cookie?.value ?? '-');
  expect(visible.local).not.toContain(cookie?.value ?? '-');

  // A new tab of the same browser, opened on a pasted link, is signed in.
  const tab = await page.context().newPage();
  await tab.goto('/account');
  await expect(tab.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
});

test('a new tab, a pasted link and a reload stay signed in', async ({ owner }) => {
  const { page, project } = owner;
  await page.goto('/');
  await expect(page.getByRole('link', { name: project.name })).toBeVisible();

  const tab = await page.context().newPage();
  await tab.goto(`/projects/${project.id}`);
  await expect(tab.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await tab.reload();
  await expect(tab.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('link', { name: project.name })).toBeVisible();
  // The first tab goes on working after the others rotated the cookie.
  await page.getByRole('link', { name: project.name }).click();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
});

for (const locks of ['with Web Locks', 'without Web Locks (the backend grace window)']) {
  test(`tabs refreshing at once stay signed in, ${locks}`, async ({ owner }) => {
    const context = owner.page.context();
    if (locks.startsWith('without')) {
      // Browsers without the Web Locks API: the tabs race, and the backend's grace window
      // must keep the reuse of a just-rotated cookie from ending the session.
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });
      });
    }
    const refreshes: number[] = [];
    context.on('response', (r) => {
      if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r.status());
    });
    // A browser restoring four tabs: four silent refreshes with the one cookie, at once.
    const tabs = [owner.page, ...(await Promise.all([1, 2, 3].map(() => context.newPage())))];
    await Promise.all(tabs.map((tab) => tab.goto('/')));
    for (const tab of tabs) await expect(projectsHeading(tab)).toBeVisible();
    await Promise.all(tabs.map((tab) => tab.reload()));
    for (const tab of tabs) {
      await expect(tab.getByRole('link', { name: owner.project.name })).toBeVisible();
    }
    // Eight silent refreshes (more when a 4 s access token expires meanwhile), none refused.
    expect(refreshes.length, JSON.stringify(refreshes)).toBeGreaterThanOrEqual(8);
    expect(
      refreshes.filter((status) => status !== 200),
      'refused refreshes',
    ).toEqual([]);
    // Still one live session: one more tab signs in with whatever cookie the browser kept.
    const late = await context.newPage();
    await late.goto('/account');
    await expect(late.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  });
}

test('logging out in one tab logs the other tabs out on their next request', async ({ owner }) => {
  const { page, project } = owner;
  await page.goto('/');
  await expect(page.getByRole('link', { name: project.name })).toBeVisible();
  const other = await page.context().newPage();
  await other.goto('/');
  await expect(other.getByRole('link', { name: project.name })).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByText('You have logged out.')).toBeVisible();
  expect(
    (await page.context().cookies()).filter((c) => c.name === SESSION_COOKIE),
    'the logout cleared the cookie',
  ).toEqual([]);

  // The other tab still shows its page; its next request finds the session ended.
  await other.getByRole('link', { name: project.name }).click();
  await expect(loginHeading(other)).toBeVisible();
  await expect(other.getByText('Your session has ended. Please log in again.')).toBeVisible();
  // And a new tab asks to log in.
  const fresh = await page.context().newPage();
  await fresh.goto(`/projects/${project.id}`);
  await expect(loginHeading(fresh)).toBeVisible();
});

test('a browser without a session gets the login page without a refresh request or an error', async ({
  page,
  newAccount,
}) => {
  const refreshes: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto('/');
  await expect(loginHeading(page)).toBeVisible();
  expect(refreshes, 'no refresh without the hint (src/api/session.ts)').toEqual([]);

  // Logged in through the form: the next load refreshes silently and stays signed in.
  const account = await newAccount('Nora New');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(projectsHeading(page)).toBeVisible();
  await page.reload();
  await expect(projectsHeading(page)).toBeVisible();
  expect(refreshes).toHaveLength(1);

  // Logged out: the next load asks nothing again.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(loginHeading(page)).toBeVisible();
  await page.reload();
  await expect(loginHeading(page)).toBeVisible();
  expect(refreshes).toHaveLength(1);
  expect(errors, 'the console stayed free of errors (a 401 is logged as one)').toEqual([]);
});
