import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { holdLiveUpdates } from './support/live';
import { SESSION_COOKIE, sessionCookie, waitForAccessTokenExpiry } from './support/session';

test('sign up through the form, client-side validation first', async ({
  page,
  expectAccessible,
}) => {
  await page.goto('/signup');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByText('A password needs at least 12 characters.')).toBeVisible();
  await expectAccessible(page, 'sign-up (with errors)');

  await page.getByLabel('Email').fill(`signup-${randomUUID().slice(0, 8)}@example.com`);
  await page.getByLabel('Display name').fill('Olivia Owner');
  await page.getByLabel('Password').fill('owner password 1234');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible();
  await expect(page.getByText('No projects yet.')).toBeVisible();
  await expectAccessible(page, 'projects (empty)');
});

test('keyboard only: log in and create a task; focus goes to headings and errors', async ({
  page,
  owner,
  expectAccessible,
}) => {
  // A tab of its own (not signed in); only Tab, Enter and typing from here on.
  const heading = (name: string) => page.getByRole('heading', { name, level: 1 });
  const tabTo = async (name: string, max = 40) => {
    const target = page.getByRole('link', { name, exact: true });
    await expect(target).toBeVisible();
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await target.evaluate((el) => el === document.activeElement)) return;
    }
    throw new Error(`Tab never reached the link "${name}"`);
  };

  await page.goto('/login');
  await expect(heading('Log in')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email')).toBeFocused();
  // A visible focus ring, 3:1 against what surrounds it (WCAG 1.4.11; axe cannot tell).
  const ring = await page.getByLabel('Email').evaluate((el) => {
    const style = getComputedStyle(el);
    return {
      style: style.outlineStyle,
      width: Number.parseFloat(style.outlineWidth),
      color: style.outlineColor,
      around: getComputedStyle(el.closest('form') ?? document.body).backgroundColor,
    };
  });
  expect(ring.style).not.toBe('none');
  expect(ring.width, 'focus ring width (px)').toBeGreaterThanOrEqual(2);
  expect(
    contrast(ring.color, ring.around),
    `focus ring contrast (${ring.color} on ${ring.around})`,
  ).toBeGreaterThanOrEqual(3);

  await page.keyboard.press('Enter'); // submits the empty form: errors, focus on the first
  await expect(page.getByText('Enter your email address.')).toBeVisible();
  await expect(page.getByLabel('Email')).toBeFocused();
  await expectAccessible(page, 'login (with errors)');
  await page.keyboard.type(owner.email);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type('wrong password 1234');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: /password/i })).toBeVisible(); // the API's
  await page.keyboard.press('Control+A');
  await page.keyboard.type(owner.password);
  await page.keyboard.press('Enter');
  await expect(heading('Projects')).toBeFocused();

  await tabTo(owner.project.name);
  await page.keyboard.press('Enter');
  await expect(heading('Board')).toBeFocused();
  await tabTo('New task');
  await page.keyboard.press('Enter');
  await expect(heading('New task')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Title')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Enter a title.')).toBeVisible();
  await expect(page.getByLabel('Title')).toBeFocused();
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Enter');
  await expect(heading('Typed without a mouse')).toBeFocused();
  const { items } = await owner.api.json<{ items: { title: string }[] }>(
    'GET',
    `/projects/${owner.project.id}/tasks`,
  );
  expect(items.map((t) => t.title)).toEqual(['Typed without a mouse']);
});

test('expired access tokens are refreshed once (for all requests) and retried', async ({
  owner,
  request,
}) => {
  const { page, project } = owner;
  await owner.api.createTask(project.id, { title: 'Design the logo', priority: 'urgent' });
  // The board's live stream (issue 11) refreshes the token as soon as the server ends the
  // stream at its expiry: held unanswered here, so this tab's token expires as an idle one's.
  await holdLiveUpdates(page, project.id);
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole('link', { name: 'Design the logo' })).toBeVisible();
  await waitForAccessTokenExpiry(page, request);

  const calls: [number, string][] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/')) calls.push([response.status(), url.pathname]);
  });
  // A new filter makes the board fire several API calls at once (its lists and counts), all
  // with the expired token. (A reload would start with a fresh one: the access token lives
  // in the tab's memory only.) The app's own router follows the history change.
  await page.evaluate((url) => {
    window.history.pushState(null, '', url);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, `/projects/${project.id}?priority=urgent`);
  await expect(page.getByRole('link', { name: 'Design the logo' })).toBeVisible();
  await expect(() => {
    const rejected = calls.filter(([status]) => status === 401).map(([, path]) => path);
    expect(rejected.length, `concurrent 401s: ${JSON.stringify(calls)}`).toBeGreaterThanOrEqual(2);
    for (const path of rejected) {
      const first = calls.findIndex(([, p]) => p === path);
      const retried = calls.findIndex(
        ([status, p], i) => i > first && status === 200 && p === path,
      );
      expect(
        retried,
        `${path} retried after the refresh: ${JSON.stringify(calls)}`,
      ).toBeGreaterThan(first);
    }
  }).toPass();
  const refreshes = calls.filter(([, path]) => path === '/api/auth/refresh');
  expect(refreshes, JSON.stringify(calls)).toEqual([[200, '/api/auth/refresh']]);
});

test('a refused refresh returns to the login page', async ({
  viewer,
  owner,
  request,
  stack,
  expectAccessible,
}) => {
  const { page } = viewer;
  await page.goto('/');
  await expect(page.getByRole('link', { name: owner.project.name })).toBeVisible();
  // The cookie now holds a token the backend does not know (revoked, or someone else's).
  await page
    .context()
    .addCookies([sessionCookie(new URL(stack.appUrl).hostname, 'revoked-or-stolen')]);
  await waitForAccessTokenExpiry(page, request);
  // Every request now has an expired token and a refused refresh.
  await page.getByRole('link', { name: owner.project.name }).click();
  await expect(page.getByRole('heading', { name: 'Log in', level: 1 })).toBeVisible();
  await expect(page.getByText('Your session has ended. Please log in again.')).toBeVisible();
  await expectAccessible(page, 'login (session ended)');
  await logIn(page, viewer.email, viewer.password);
  // Back where the session ended.
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  const [cookie] = (await page.context().cookies()).filter((c) => c.name === SESSION_COOKIE);
  expect(cookie?.value, 'the login set a new session cookie').not.toBe('revoked-or-stolen');
});

test('change password ends the session; the new password logs in; log out', async ({
  owner,
  expectAccessible,
}) => {
  const { page } = owner;
  const newPassword = 'a brand new password 99';
  // The API session (another device, in effect) is live before the change.
  expect((await owner.api.send('GET', '/auth/me')).status()).toBe(200);

  await page.goto('/');
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  await expectAccessible(page, 'account');
  await page.getByLabel('Current password').fill(owner.password);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat the new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your password has been changed.')).toBeVisible();
  // Every other session ended: its access token is refused and its refresh too.
  expect((await owner.api.send('GET', '/auth/me')).status()).toBe(401);

  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByText('You have logged out.')).toBeVisible();
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Log in', level: 1 })).toBeVisible();
});

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** WCAG contrast ratio of two computed colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r = 0, g = 0, bl = 0] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi = 0, lo = 0] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
