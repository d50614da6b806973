// End-to-end tests in a real browser (Debian's Chromium, driven by playwright-core) against
// the real local stack, through the local edge exactly as users reach CloudFront.
// Prints one line per check and closes with "N passed, N failed"; exits non-zero on failure.
// Screenshots: frontend/test-results/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startStack } from './harness.mjs';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(frontend, '..');
const shots = join(frontend, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Short access tokens so the run crosses many expiries: every flow below also exercises the
// transparent refresh.
const ACCESS_TOKEN_TTL = 4;

const results = [];
const openPages = [];
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ok    ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    for (const [i, page] of openPages.entries()) {
      await page
        .screenshot({ path: join(shots, `FAILED-${i}.png`), fullPage: true })
        .catch(() => {});
    }
    console.log(
      `  FAIL  ${name} (${Date.now() - started} ms)\n${indent(String(error?.stack ?? error))}`,
    );
    throw error;
  }
}
const indent = (text) =>
  text
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');

if (!existsSync(join(frontend, 'dist', 'index.html'))) {
  console.error('frontend/dist is missing: run `npm run build` first.');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  process.exit(1);
}
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const suffix = Date.now().toString(36);
const owner = {
  email: `owner-${suffix}@example.com`,
  name: 'Olivia Owner',
  password: 'owner password 1234',
};
const viewer = {
  email: `viewer-${suffix}@example.com`,
  name: 'Victor Viewer',
  password: 'viewer password 1234',
};

const t0 = Date.now();
const stack = await startStack({
  env: {
    APP_ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL),
  },
});
console.log(`stack up in ${Date.now() - t0} ms: app ${stack.appUrl}, logs ${stack.logs}`);
const userDataDir = mkdtempSync(join(tmpdir(), 'taskapp-e2e-chromium-'));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  await run(context, stack);
} catch {
  failed = true;
} finally {
  await context?.close().catch(() => {});
  await stack.stop();
  rmSync(userDataDir, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
const failures = results.length - passed + (failed && results.every((r) => r.ok) ? 1 : 0);
console.log(`e2e finished in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${shots}`);
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);

async function run(context, { appUrl, awsUrl }) {
  // Two users side by side: sessionStorage is per tab, so two tabs are two sessions.
  const [first] = context.pages();
  const ownerPage = first ?? (await context.newPage());
  const viewerPage = await context.newPage();
  openPages.push(ownerPage, viewerPage);
  const errors = [];
  for (const page of [ownerPage, viewerPage]) {
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
  }
  const shot = (page, name) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const projectName = `Launch plan ${suffix}`;
  let projectUrl = '';
  let taskUrl = '';

  await check(
    'page responses carry the security and cache headers of the edge policy',
    async () => {
      const expected = JSON.parse(
        readFileSync(join(repo, 'infra/modules/edge/security_headers.json'), 'utf8'),
      );
      const response = await ownerPage.goto(`${appUrl}/login`);
      assert.ok(response);
      const headers = response.headers();
      for (const [name, value] of Object.entries(expected)) {
        assert.equal(headers[name.toLowerCase()], value.replace('{s3_origin}', awsUrl), name);
      }
      assert.equal(headers['cache-control'], 'no-cache');
      const script = await ownerPage.locator('script[type="module"]').getAttribute('src');
      assert.match(script ?? '', /^\/assets\/index-[\w-]{8,}\.js$/, 'content-hashed entry script');
      const asset = await ownerPage.request.get(`${appUrl}${script}`);
      assert.equal(asset.headers()['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(asset.headers()['x-content-type-options'], 'nosniff');
      const api = await ownerPage.request.get(`${appUrl}/api/auth/me`);
      assert.equal(api.status(), 401);
      assert.equal(api.headers()['x-frame-options'], 'DENY');
      assert.equal((await api.json()).error.code.length > 0, true);
    },
  );

  await check('sign up two users (client-side validation first)', async () => {
    for (const [page, user] of [
      [ownerPage, owner],
      [viewerPage, viewer],
    ]) {
      await page.goto(`${appUrl}/signup`);
      await page.getByLabel('Email').fill('not-an-email');
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByText('Enter a valid email address').waitFor();
      await page.getByText('A password needs at least 12 characters.').waitFor();
      if (user === owner) await shot(page, '01-signup-validation');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Display name').fill(user.name);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    }
    await ownerPage.getByText('No projects yet.').waitFor();
    await shot(ownerPage, '02-projects-empty');
  });

  await check('owner creates a project and sees its empty board', async () => {
    await ownerPage.getByLabel('Project name').fill(projectName);
    await ownerPage.getByLabel('Description (optional)').fill('Everything for the launch.');
    await ownerPage.getByRole('button', { name: 'Create project' }).click();
    await ownerPage.getByRole('heading', { name: 'Board', level: 1 }).waitFor();
    await ownerPage.getByText('No tasks yet.').waitFor();
    projectUrl = ownerPage.url();
    await shot(ownerPage, '03-board-empty');
  });

  await check('owner invites the other user as a viewer', async () => {
    await ownerPage.getByRole('link', { name: 'Members' }).click();
    await ownerPage.getByLabel('Email of the person to invite').fill(viewer.email);
    await ownerPage.getByLabel('Role', { exact: true }).selectOption('viewer');
    await ownerPage.getByRole('button', { name: 'Invite' }).click();
    await ownerPage.getByText(`${viewer.name} is now a viewer.`).waitFor();
    const row = ownerPage.getByRole('row', { name: new RegExp(viewer.name) });
    assert.equal(await row.getByRole('combobox').inputValue(), 'viewer');
    await shot(ownerPage, '04-members');
  });

  const titles = ['Write the launch brief', 'Design the logo', 'Book the venue'];
  await check('owner creates tasks (validation, then the API)', async () => {
    for (const [i, title] of titles.entries()) {
      await ownerPage.goto(`${projectUrl}/tasks/new`);
      if (i === 0) {
        await ownerPage.getByRole('button', { name: 'Create task' }).click();
        await ownerPage.getByText('Enter a title.').waitFor();
      }
      await ownerPage.getByLabel('Title').fill(title);
      await ownerPage.getByLabel('Description').fill(`Details about ${title.toLowerCase()}.`);
      await ownerPage.getByLabel('Priority').selectOption(i === 1 ? 'high' : 'medium');
      await ownerPage.getByRole('button', { name: 'Create task' }).click();
      await ownerPage.getByRole('heading', { name: title, level: 1 }).waitFor();
    }
    await ownerPage.goto(projectUrl);
    for (const title of titles) await ownerPage.getByRole('link', { name: title }).waitFor();
  });

  await check('owner moves a task to another column', async () => {
    await ownerPage.getByLabel(`Status of ${titles[0]}`).selectOption('in_progress');
    const column = ownerPage.getByRole('list', { name: 'In progress' });
    await column.getByRole('link', { name: titles[0] }).waitFor();
    await ownerPage
      .getByRole('list', { name: 'Done' })
      .waitFor({ state: 'detached' })
      .catch(() => {});
    await shot(ownerPage, '05-board');
  });

  await check('search, filter and sort narrow the board', async () => {
    await ownerPage.getByLabel('Search').fill('logo');
    await ownerPage.waitForURL(/q=logo/);
    await ownerPage.getByRole('link', { name: titles[1] }).waitFor();
    await ownerPage.getByRole('link', { name: titles[2] }).waitFor({ state: 'detached' });
    await shot(ownerPage, '06-board-search');
    await ownerPage.getByLabel('Search').fill('');
    await ownerPage.waitForURL((url) => !url.search.includes('q='));
    await ownerPage.getByLabel('Priority').selectOption('high');
    await ownerPage.getByRole('link', { name: titles[0] }).waitFor({ state: 'detached' });
    await ownerPage.getByRole('link', { name: titles[1] }).waitFor();
    await ownerPage.getByLabel('Priority').selectOption('');
    await ownerPage.getByLabel('Sort by').selectOption('created_at');
    const todo = ownerPage.getByRole('list', { name: 'To do' }).getByRole('link');
    await ownerPage.waitForFunction(() => location.search.includes('sort=created_at'));
    await todo.first().waitFor();
    assert.deepEqual(await todo.allTextContents(), [titles[1], titles[2]]);
  });

  await check('the viewer sees the project but cannot change anything', async () => {
    await viewerPage.goto(`${appUrl}/`);
    await viewerPage.getByRole('link', { name: projectName }).click();
    await viewerPage.getByRole('heading', { name: 'Board', level: 1 }).waitFor();
    await viewerPage.getByRole('link', { name: titles[1] }).waitFor();
    assert.equal(await viewerPage.getByRole('link', { name: 'New task' }).count(), 0);
    assert.equal(await viewerPage.getByLabel(/^Status of /).count(), 0);
    assert.equal(await viewerPage.getByRole('link', { name: 'Settings' }).count(), 0);
    await shot(viewerPage, '07-viewer-board');
    await viewerPage.getByRole('link', { name: titles[1] }).click();
    await viewerPage.getByText('You are a viewer in this project').waitFor();
    assert.equal(await viewerPage.getByLabel('Title').isDisabled(), true);
    assert.equal(await viewerPage.getByRole('button', { name: 'Save changes' }).count(), 0);
    assert.equal(await viewerPage.getByRole('button', { name: 'Upload' }).count(), 0);
    await viewerPage.getByRole('link', { name: 'Members' }).click();
    await viewerPage.getByText('Only owners can invite people').waitFor();
    assert.equal(await viewerPage.getByRole('button', { name: 'Invite' }).count(), 0);
    assert.equal(await viewerPage.getByRole('combobox').count(), 0);
  });

  await check(
    'a file uploads straight to S3 with progress and downloads back identical',
    async () => {
      await ownerPage.goto(projectUrl);
      await ownerPage.getByRole('link', { name: titles[0] }).click();
      await ownerPage.getByRole('heading', { name: titles[0], level: 1 }).waitFor();
      taskUrl = ownerPage.url();
      await ownerPage.getByText('No attachments.').waitFor();
      const bytes = Buffer.alloc(300_000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
      await ownerPage
        .getByLabel('File', { exact: true })
        .setInputFiles({ name: 'notes.csv', mimeType: 'text/csv', buffer: bytes });
      const s3Post = ownerPage.waitForRequest(
        (r) => r.url().startsWith(awsUrl) && r.method() === 'POST',
      );
      await ownerPage.getByRole('button', { name: 'Upload' }).click();
      await s3Post; // the bytes went to the storage origin, not through the API
      await ownerPage.getByText('Uploaded notes.csv.').waitFor({ timeout: 30_000 });
      await ownerPage.getByRole('button', { name: 'Download notes.csv' }).waitFor();
      await shot(ownerPage, '08-task-attachments');
      const downloadEvent = ownerPage.waitForEvent('download');
      await ownerPage.getByRole('button', { name: 'Download notes.csv' }).click();
      const download = await downloadEvent;
      const path = await download.path();
      assert.ok(path);
      assert.equal(download.suggestedFilename(), 'notes.csv');
      assert.ok(readFileSync(path).equals(bytes), 'downloaded bytes differ from the upload');
      await ownerPage.goto(taskUrl);
    },
  );

  await check('an edit made elsewhere meanwhile is a conflict the user can reload', async () => {
    await ownerPage.goto(taskUrl);
    await ownerPage.getByLabel('Title').waitFor();
    // Another client changes the task (same account, its own API call) after the form opened.
    await ownerPage.evaluate(async (url) => {
      const { accessToken } = JSON.parse(sessionStorage.getItem('taskapp.session'));
      const api = `/api${new URL(url).pathname}`;
      let headers = { Authorization: `Bearer ${accessToken}` };
      let current = await fetch(api, { headers });
      if (current.status === 401) throw new Error('token expired in the helper; rerun');
      const task = await current.json();
      headers = { ...headers, 'If-Match': `"${task.version}"`, 'Content-Type': 'application/json' };
      current = await fetch(api, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ title: 'Brief, rewritten' }),
      });
      if (!current.ok) throw new Error(`PATCH failed: ${current.status}`);
    }, taskUrl);
    await ownerPage.getByLabel('Description').fill('My own edit.');
    await ownerPage.getByRole('button', { name: 'Save changes' }).click();
    await ownerPage.getByText('Someone else changed this task after you opened it').waitFor();
    await shot(ownerPage, '09-task-conflict');
    await ownerPage.getByRole('button', { name: 'Reload the latest version' }).click();
    await ownerPage.getByRole('heading', { name: 'Brief, rewritten', level: 1 }).waitFor();
    assert.equal(await ownerPage.getByLabel('Title').inputValue(), 'Brief, rewritten');
    await ownerPage.getByLabel('Description').fill('My own edit, again.');
    await ownerPage.getByRole('button', { name: 'Save changes' }).click();
    await ownerPage.getByText('Saved.').waitFor();
  });

  await check('an export runs, is polled to done and downloads as CSV', async () => {
    await ownerPage.goto(`${projectUrl}/export`);
    await ownerPage.getByRole('button', { name: 'Start export' }).click();
    await ownerPage.getByTestId('export-status').waitFor();
    await ownerPage
      .getByRole('link', { name: /Download CSV \(3 tasks\)/ })
      .waitFor({ timeout: 60_000 });
    await shot(ownerPage, '10-export-done');
    const downloadEvent = ownerPage.waitForEvent('download');
    await ownerPage.getByRole('link', { name: /Download CSV/ }).click();
    const download = await downloadEvent;
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /Brief, rewritten/);
    assert.match(csv, /Design the logo/);
  });

  await check(
    'expired access tokens are refreshed once (for all requests) and retried',
    async () => {
      await ownerPage.goto(projectUrl);
      await ownerPage.getByRole('link', { name: titles[1] }).waitFor();
      await ownerPage.waitForTimeout((ACCESS_TOKEN_TTL + 1) * 1000);
      const calls = [];
      const listener = (response) => {
        const url = new URL(response.url());
        if (url.pathname.startsWith('/api/')) calls.push([response.status(), url.pathname]);
      };
      ownerPage.on('response', listener);
      // A reload fires several API calls at once, all with the expired token.
      await ownerPage.reload();
      await ownerPage.getByRole('link', { name: titles[1] }).waitFor();
      await ownerPage
        .getByRole('row')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => {});
      ownerPage.off('response', listener);
      const refreshes = calls.filter(([, path]) => path === '/api/auth/refresh');
      assert.deepEqual(refreshes, [[200, '/api/auth/refresh']], JSON.stringify(calls));
      const rejected = calls.filter(([status]) => status === 401).map(([, path]) => path);
      assert.ok(rejected.length >= 2, `expected concurrent 401s: ${JSON.stringify(calls)}`);
      for (const path of rejected) {
        const retried = calls.findIndex(([status, p]) => status === 200 && p === path);
        assert.ok(retried > calls.findIndex(([, p]) => p === path), `${path} was not retried`);
      }
    },
  );

  await check('a refused refresh returns to the login page', async () => {
    await viewerPage.goto(`${appUrl}/`);
    await viewerPage.getByRole('link', { name: projectName }).waitFor();
    await viewerPage.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('taskapp.session'));
      sessionStorage.setItem(
        'taskapp.session',
        JSON.stringify({ ...s, refreshToken: 'revoked-or-stolen' }),
      );
    });
    await viewerPage.waitForTimeout((ACCESS_TOKEN_TTL + 1) * 1000);
    await viewerPage.reload(); // every request now has an expired token and a refused refresh
    await viewerPage.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
    await viewerPage.getByText('Your session has ended. Please log in again.').waitFor();
    await shot(viewerPage, '11-session-ended');
    await viewerPage.getByLabel('Email').fill(viewer.email);
    await viewerPage.getByLabel('Password').fill(viewer.password);
    await viewerPage.getByRole('button', { name: 'Log in' }).click();
    await viewerPage.getByRole('link', { name: projectName }).waitFor();
  });

  await check('owner changes a member role, renames and deletes a project', async () => {
    await ownerPage.goto(`${projectUrl}/members`);
    const row = ownerPage.getByRole('row', { name: new RegExp(viewer.name) });
    await row.getByRole('combobox').selectOption('member');
    await ownerPage.waitForResponse(
      (r) => r.url().includes('/members/') && r.request().method() === 'PATCH',
    );
    await ownerPage.getByRole('link', { name: 'Settings' }).click();
    await ownerPage.getByLabel('Project name').fill(`${projectName} (renamed)`);
    await ownerPage.getByRole('button', { name: 'Save changes' }).click();
    await ownerPage.getByText(`${projectName} (renamed)`, { exact: true }).waitFor();
    await shot(ownerPage, '12-project-settings');
    // A second project to delete.
    await ownerPage.goto(`${appUrl}/`);
    await ownerPage.getByLabel('Project name').fill('Scratch');
    await ownerPage.getByRole('button', { name: 'Create project' }).click();
    await ownerPage.getByRole('link', { name: 'Settings' }).click();
    await ownerPage.getByRole('button', { name: 'Delete project…' }).click();
    await ownerPage.getByRole('button', { name: 'Yes, delete “Scratch”' }).click();
    await ownerPage.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await ownerPage.getByRole('link', { name: `${projectName} (renamed)` }).waitFor();
    assert.equal(await ownerPage.getByRole('link', { name: 'Scratch' }).count(), 0);
  });

  await check('change password ends the session; the new password logs in; log out', async () => {
    await ownerPage.getByRole('link', { name: 'Account' }).click();
    await ownerPage.getByLabel('Current password').fill(owner.password);
    await ownerPage.getByLabel('New password', { exact: true }).fill('a brand new password 99');
    await ownerPage.getByLabel('Repeat the new password').fill('a brand new password 99');
    await ownerPage.getByRole('button', { name: 'Change password' }).click();
    await ownerPage.getByText('Your password has been changed.').waitFor();
    await ownerPage.getByLabel('Email').fill(owner.email);
    await ownerPage.getByLabel('Password', { exact: true }).fill('a brand new password 99');
    await ownerPage.getByRole('button', { name: 'Log in' }).click();
    await ownerPage.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await ownerPage.getByRole('button', { name: 'Log out' }).click();
    await ownerPage.getByText('You have logged out.').waitFor();
    await ownerPage.goto(`${appUrl}/account`);
    await ownerPage.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
  });

  await check('no page error and no Content-Security-Policy violation', async () => {
    assert.deepEqual(errors, []);
  });
}
