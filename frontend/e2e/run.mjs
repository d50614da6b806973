// End-to-end tests in a real browser (Debian's Chromium, driven by playwright-core) against
// the real local stack, through the local edge exactly as users reach CloudFront.
// Prints one line per check and closes with "N passed, N failed"; exits non-zero on failure.
// Screenshots: frontend/test-results/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
// The board's page size (src/tasks/hooks.ts): the long-list check seeds more than two pages.
const PAGE_SIZE = 30;
// axe-core from node_modules, evaluated in the page (no network, and not as a <script>, which
// the edge's Content-Security-Policy would rightly refuse).
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const AXE_IMPACTS = new Set(['serious', 'critical']);

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

// Accessibility: every page scanned during the run; the findings are asserted by one check
// near the end, so one finding does not hide the flows after it.
const a11y = { scanned: [], violations: [], minor: new Map(), unsure: new Map() };
async function scanA11y(page, name) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const { violations, incomplete } = await window.axe.run(document, {
      resultTypes: ['violations', 'incomplete'],
    });
    const unsure = incomplete.filter((v) => v.id === 'color-contrast');
    return [...violations, ...unsure.map((v) => ({ ...v, impact: 'unsure' }))].map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  a11y.scanned.push(name);
  for (const v of found) {
    if (AXE_IMPACTS.has(v.impact)) a11y.violations.push({ page: name, ...v });
    else {
      const kind = v.impact === 'unsure' ? a11y.unsure : a11y.minor;
      kind.set(`${v.impact} ${v.id}`, [
        ...(kind.get(`${v.impact} ${v.id}`) ?? []),
        name,
        ...v.nodes,
      ]);
    }
  }
}

// The API straight from Node (through the edge), as a separate session of `user`: seeds data
// and checks what the UI says. Refreshes its own short-lived token once per expiry.
function apiSession(appUrl, user) {
  let tokens = null;
  let refreshing = null;
  const post = (path, body) =>
    fetch(`${appUrl}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const renew = (stale) => {
    refreshing ??= (async () => {
      if (tokens?.access_token !== stale) return;
      const response = await post('/auth/refresh', { refresh_token: tokens.refresh_token });
      if (response.status !== 200) {
        assert.fail(`refresh: ${response.status} ${await response.text()}`);
      }
      tokens = await response.json();
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };
  let loggedIn = null;
  const logIn = async () => {
    const response = await post('/auth/login', { email: user.email, password: user.password });
    if (response.status !== 200) assert.fail(`login: ${response.status} ${await response.text()}`);
    tokens = (await response.json()).tokens;
  };
  const send = async (method, path, body) => {
    loggedIn ??= logIn();
    await loggedIn;
    for (let attempt = 0; ; attempt++) {
      const token = tokens.access_token;
      const response = await fetch(`${appUrl}/api${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status !== 401 || attempt === 2) return response;
      await renew(token);
    }
  };
  return {
    send,
    async json(method, path, body) {
      const response = await send(method, path, body);
      if (!response.ok)
        assert.fail(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? null : response.json();
    },
  };
}

// WCAG contrast ratio of two computed colours ("rgb(r, g, b)").
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
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
  let attachmentLink = '';
  const api = apiSession(appUrl, owner);

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
      if (user === owner) {
        await shot(page, '01-signup-validation');
        await scanA11y(page, 'sign-up (with errors)');
      }
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Display name').fill(user.name);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    }
    await ownerPage.getByText('No projects yet.').waitFor();
    await shot(ownerPage, '02-projects-empty');
    await scanA11y(ownerPage, 'projects (empty)');
  });

  await check('owner creates a project and sees its empty board', async () => {
    await ownerPage.getByLabel('Project name').fill(projectName);
    await ownerPage.getByLabel('Description (optional)').fill('Everything for the launch.');
    await ownerPage.getByRole('button', { name: 'Create project' }).click();
    await ownerPage.getByRole('heading', { name: 'Board', level: 1 }).waitFor();
    await ownerPage.getByText('No tasks yet.').waitFor();
    projectUrl = ownerPage.url();
    await shot(ownerPage, '03-board-empty');
    await scanA11y(ownerPage, 'board (empty)');
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
    await scanA11y(ownerPage, 'members (owner)');
  });

  const titles = ['Write the launch brief', 'Design the logo', 'Book the venue'];
  await check('owner creates tasks (validation, then the API)', async () => {
    for (const [i, title] of titles.entries()) {
      await ownerPage.goto(`${projectUrl}/tasks/new`);
      if (i === 0) {
        await ownerPage.getByRole('button', { name: 'Create task' }).click();
        await ownerPage.getByText('Enter a title.').waitFor();
        await scanA11y(ownerPage, 'new task (with errors)');
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
    await scanA11y(ownerPage, 'board');
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
    await viewerPage.getByRole('link', { name: projectName }).waitFor();
    await scanA11y(viewerPage, 'projects (list)');
    await viewerPage.getByRole('link', { name: projectName }).click();
    await viewerPage.getByRole('heading', { name: 'Board', level: 1 }).waitFor();
    await viewerPage.getByRole('link', { name: titles[1] }).waitFor();
    assert.equal(await viewerPage.getByRole('link', { name: 'New task' }).count(), 0);
    assert.equal(await viewerPage.getByLabel(/^Status of /).count(), 0);
    assert.equal(await viewerPage.getByRole('link', { name: 'Settings' }).count(), 0);
    await shot(viewerPage, '07-viewer-board');
    await scanA11y(viewerPage, 'board (viewer)');
    await viewerPage.getByRole('link', { name: titles[1] }).click();
    await viewerPage.getByText('You are a viewer in this project').waitFor();
    assert.equal(await viewerPage.getByLabel('Title').isDisabled(), true);
    assert.equal(await viewerPage.getByRole('button', { name: 'Save changes' }).count(), 0);
    assert.equal(await viewerPage.getByRole('button', { name: 'Upload' }).count(), 0);
    await scanA11y(viewerPage, 'task detail (viewer)');
    await viewerPage.getByRole('link', { name: 'Members' }).click();
    await viewerPage.getByText('Only owners can invite people').waitFor();
    assert.equal(await viewerPage.getByRole('button', { name: 'Invite' }).count(), 0);
    assert.equal(await viewerPage.getByRole('combobox').count(), 0);
    await scanA11y(viewerPage, 'members (viewer)');
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
      await scanA11y(ownerPage, 'task detail (with an attachment)');
      const downloadEvent = ownerPage.waitForEvent('download');
      await ownerPage.getByRole('button', { name: 'Download notes.csv' }).click();
      const download = await downloadEvent;
      const path = await download.path();
      assert.ok(path);
      assert.equal(download.suggestedFilename(), 'notes.csv');
      assert.ok(readFileSync(path).equals(bytes), 'downloaded bytes differ from the upload');
      attachmentLink = download.url();
      await ownerPage.goto(taskUrl);
    },
  );

  await check('owner deletes the attachment; its file is gone from storage', async () => {
    const [projectId, taskId] = taskUrl.match(/[0-9a-f-]{36}/g) ?? [];
    const attachments = `/projects/${projectId}/tasks/${taskId}/attachments`;
    const [attachment] = (await api.json('GET', attachments)).items;
    assert.equal(attachment?.filename, 'notes.csv');
    assert.equal((await ownerPage.request.get(attachmentLink)).status(), 200, 'link works before');
    await ownerPage.getByRole('button', { name: 'Delete notes.csv' }).click();
    await ownerPage.getByText('No attachments.').waitFor();
    assert.equal(await ownerPage.getByRole('button', { name: 'Download notes.csv' }).count(), 0);
    assert.deepEqual((await api.json('GET', attachments)).items, []);
    const signed = await api.send('GET', `${attachments}/${attachment.id}/download`);
    assert.equal(signed.status, 404, 'the API no longer signs a download');
    // The object is removed right after the API's commit: the link signed before now fails
    // (S3 answers 403 rather than 404 for a missing key when the signer may not list).
    let status = 200;
    for (let i = 0; i < 20 && status === 200; i++) {
      if (i) await ownerPage.waitForTimeout(250);
      status = (await ownerPage.request.get(attachmentLink)).status();
    }
    assert.ok([403, 404].includes(status), `the presigned download link answers ${status}`);
  });

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
    await scanA11y(ownerPage, 'task detail (edit conflict)');
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
    await scanA11y(ownerPage, 'export (done)');
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
    await scanA11y(viewerPage, 'login (session ended)');
    await viewerPage.getByLabel('Email').fill(viewer.email);
    await viewerPage.getByLabel('Password').fill(viewer.password);
    await viewerPage.getByRole('button', { name: 'Log in' }).click();
    await viewerPage.getByRole('link', { name: projectName }).waitFor();
  });

  const backlog = { id: '', tasks: [] };
  await check(
    'a list longer than two pages loads as the board is scrolled, each task once',
    async () => {
      // Seeded through the API: more than two pages, in every column, created concurrently
      // (so some share a timestamp and only the id breaks the tie in the cursor).
      const total = 2 * PAGE_SIZE + 5;
      const project = await api.json('POST', '/projects', { name: `Backlog ${suffix}` });
      backlog.id = project.id;
      const statuses = ['todo', 'todo', 'in_progress', 'done'];
      for (let start = 0; start < total; start += 16) {
        const batch = [];
        for (let i = start; i < Math.min(start + 16, total); i++) {
          batch.push(
            api.json('POST', `/projects/${project.id}/tasks`, {
              title: `Backlog item ${String(i + 1).padStart(2, '0')}`,
              status: statuses[i % statuses.length],
            }),
          );
        }
        backlog.tasks.push(...(await Promise.all(batch)));
      }
      const cursors = [];
      const onResponse = (response) => {
        const url = new URL(response.url());
        if (response.status() === 200 && url.pathname === `/api/projects/${project.id}/tasks`) {
          cursors.push(url.searchParams.get('cursor'));
        }
      };
      ownerPage.on('response', onResponse);
      await ownerPage.goto(`${appUrl}/projects/${project.id}`);
      const cards = ownerPage.locator('.board').getByRole('link');
      await cards.nth(PAGE_SIZE - 1).waitFor();
      await ownerPage.waitForTimeout(300);
      assert.equal(await cards.count(), PAGE_SIZE, 'only the first page before scrolling');
      // Scroll down, the way a user does, until the last page is in.
      const more = ownerPage.getByRole('button', { name: /Load more tasks|Loading more tasks/ });
      for (let round = 0; round < 10 && (await more.count()) > 0; round++) {
        const before = await cards.count();
        await ownerPage.mouse.wheel(0, 20_000);
        await ownerPage.waitForFunction(
          (n) =>
            document.querySelectorAll('.board a').length > n ||
            !document.querySelector('.load-more'),
          before,
        );
      }
      await ownerPage
        .getByRole('button', { name: 'Load more tasks' })
        .waitFor({ state: 'detached' });
      ownerPage.off('response', onResponse);
      const hrefs = await cards.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert.equal(hrefs.length, total, 'every task once');
      assert.equal(new Set(hrefs).size, total, 'no task twice');
      const expected = backlog.tasks.map((t) => `/projects/${project.id}/tasks/${t.id}`);
      assert.deepEqual([...hrefs].sort(), expected.sort());
      assert.equal(cursors.length, 3, `three pages: ${JSON.stringify(cursors)}`);
      assert.equal(new Set(cursors).size, 3, `each page asked for once: ${cursors}`);
      for (const [label, status] of [
        ['To do', 'todo'],
        ['In progress', 'in_progress'],
        ['Done', 'done'],
      ]) {
        const want = backlog.tasks.filter((t) => t.status === status).length;
        assert.equal(
          await ownerPage.getByRole('list', { name: label }).getByRole('link').count(),
          want,
        );
        await ownerPage
          .getByRole('heading', { name: `${label} ${want} tasks`, level: 2 })
          .waitFor();
      }
      await ownerPage.screenshot({ path: join(shots, '13-board-long-list.png') }); // viewport
      // Keyboard: with focus on "Load more tasks", the last page removes the button; focus
      // lands on the page heading, not at the top of the document.
      await ownerPage.reload();
      await cards.nth(PAGE_SIZE - 1).waitFor();
      await more.focus();
      for (let round = 0; round < 10 && (await more.count()) > 0; round++) {
        await ownerPage.keyboard.press('Enter').catch(() => {});
        await ownerPage.waitForTimeout(300);
      }
      await more.waitFor({ state: 'detached' });
      await ownerPage.waitForFunction(
        () => document.activeElement?.matches('h1.page-heading') ?? false,
        undefined,
        { timeout: 5000 },
      );
    },
  );

  await check('owner deletes a task (after confirming); it is gone everywhere', async () => {
    const doomed = backlog.tasks.find((t) => t.status === 'todo');
    await ownerPage.getByRole('link', { name: doomed.title }).click();
    await ownerPage.getByRole('heading', { name: doomed.title, level: 1 }).waitFor();
    const taskPath = new URL(ownerPage.url()).pathname;
    await ownerPage.getByRole('button', { name: 'Delete task…' }).click();
    await ownerPage.getByRole('button', { name: 'Cancel' }).click();
    await ownerPage.getByRole('button', { name: 'Delete task…' }).click();
    await ownerPage.getByRole('button', { name: 'Yes, delete this task' }).click();
    await ownerPage.getByRole('heading', { name: 'Board', level: 1 }).waitFor();
    await ownerPage.getByRole('link', { name: backlog.tasks.at(-1).title }).waitFor();
    assert.equal(await ownerPage.getByRole('link', { name: doomed.title }).count(), 0);
    const todo = backlog.tasks.filter((t) => t.status === 'todo').length - 1;
    await ownerPage.getByRole('heading', { name: `To do ${todo} tasks`, level: 2 }).waitFor();
    assert.equal((await api.send('GET', taskPath)).status, 404);
    await ownerPage.goto(`${appUrl}${taskPath}`);
    await ownerPage.getByText('Could not open this task').waitFor();
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
    await scanA11y(ownerPage, 'project settings');
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

  await check('owner removes a member; the removed user loses the project', async () => {
    await ownerPage.goto(`${projectUrl}/members`);
    const row = ownerPage.getByRole('row', { name: new RegExp(viewer.name) });
    await row.waitFor();
    await ownerPage.getByRole('button', { name: `Remove ${viewer.name}…` }).click();
    await ownerPage.getByRole('button', { name: 'Cancel' }).click(); // second thoughts
    assert.equal(await row.count(), 1);
    await ownerPage.getByRole('button', { name: `Remove ${viewer.name}…` }).click();
    await ownerPage.getByRole('button', { name: `Yes, remove ${viewer.name}` }).click();
    await row.waitFor({ state: 'detached' });
    await ownerPage.reload();
    await ownerPage.getByRole('row', { name: new RegExp(owner.name) }).waitFor();
    assert.equal(await ownerPage.getByRole('row', { name: new RegExp(viewer.name) }).count(), 0);
    await viewerPage.goto(`${appUrl}/`);
    await viewerPage.getByText('No projects yet.').waitFor();
    await viewerPage.goto(projectUrl);
    await viewerPage.getByText('Could not open this project').waitFor();
    await shot(viewerPage, '14-removed-member');
  });

  await check(
    'keyboard only: log in and create a task; focus goes to headings and errors',
    async () => {
      // A third tab is a fresh session; only Tab, Enter and typing from here on.
      const page = await context.newPage();
      openPages.push(page);
      page.on('pageerror', (e) => errors.push(String(e)));
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement;
          const label = el?.id ? document.querySelector(`label[for="${el.id}"]`) : null;
          return {
            tag: el?.tagName.toLowerCase(),
            text: (label?.textContent ?? el?.textContent ?? '').trim(),
          };
        });
      const focusIs = async (tag, text) => {
        await page
          .waitForFunction(
            ([t, x]) => {
              const el = document.activeElement;
              const label = el?.id ? document.querySelector(`label[for="${el.id}"]`) : null;
              return (
                el?.tagName.toLowerCase() === t &&
                (label?.textContent ?? el?.textContent ?? '').trim() === x
              );
            },
            [tag, text],
            { timeout: 5_000 },
          )
          .catch(async () => assert.deepEqual(await focused(), { tag, text }));
      };
      const tabTo = async (tag, text, max = 40) => {
        for (let i = 0; i < max; i++) {
          await page.keyboard.press('Tab');
          const now = await focused();
          if (now.tag === tag && now.text === text) return;
        }
        assert.fail(`Tab never reached <${tag}> "${text}"`);
      };
      await page.goto(`${appUrl}/login`);
      await focusIs('h1', 'Log in');
      await page.keyboard.press('Tab');
      await focusIs('input', 'Email');
      // A visible focus ring, 3:1 against what surrounds it (WCAG 1.4.11; axe cannot tell).
      const ring = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {
          style: style.outlineStyle,
          width: Number.parseFloat(style.outlineWidth),
          color: style.outlineColor,
          around: getComputedStyle(el.closest('form')).backgroundColor,
        };
      });
      assert.notEqual(ring.style, 'none');
      assert.ok(ring.width >= 2, `focus ring ${ring.width}px`);
      const ratio = contrast(ring.color, ring.around);
      assert.ok(ratio >= 3, `focus ring ${ratio.toFixed(2)}:1 (${ring.color} on ${ring.around})`);
      await page.keyboard.press('Enter'); // submits the empty form: errors, focus on the first
      await page.getByText('Enter your email address.').waitFor();
      await focusIs('input', 'Email');
      await scanA11y(page, 'login (with errors)');
      await page.keyboard.type(owner.email);
      await page.keyboard.press('Tab');
      await focusIs('input', 'Password');
      await page.keyboard.type('wrong password 1234');
      await page.keyboard.press('Enter');
      await page
        .getByRole('alert')
        .filter({ hasText: /password/i })
        .waitFor(); // the API's error
      await page.keyboard.press('Control+A');
      await page.keyboard.type(owner.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
      await focusIs('h1', 'Projects');
      await tabTo('a', `${projectName} (renamed)`);
      await page.keyboard.press('Enter');
      await focusIs('h1', 'Board');
      await tabTo('a', 'New task');
      await page.keyboard.press('Enter');
      await focusIs('h1', 'New task');
      await page.keyboard.press('Tab');
      await focusIs('input', 'Title');
      await page.keyboard.press('Enter');
      await page.getByText('Enter a title.').waitFor();
      await focusIs('input', 'Title');
      await page.keyboard.type('Typed without a mouse');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Typed without a mouse', level: 1 }).waitFor();
      await focusIs('h1', 'Typed without a mouse');
      await shot(page, '15-keyboard-task');
      await page.close();
      openPages.pop();
    },
  );

  await check('change password ends the session; the new password logs in; log out', async () => {
    await ownerPage.getByRole('link', { name: 'Account' }).click();
    await ownerPage.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
    await shot(ownerPage, '16-account');
    await scanA11y(ownerPage, 'account');
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

  await check('axe-core: no serious or critical violation on the main pages', async () => {
    for (const page of [
      'login',
      'sign-up',
      'projects',
      'board',
      'task detail',
      'members',
      'export',
      'account',
    ]) {
      assert.ok(
        a11y.scanned.some((name) => name === page || name.startsWith(`${page} (`)),
        `${page} was not scanned`,
      );
    }
    const report = a11y.violations
      .map((v) => `${v.page}: ${v.impact} ${v.id} (${v.help})\n  ${v.nodes.join('\n  ')}`)
      .join('\n');
    assert.equal(a11y.violations.length, 0, `axe found:\n${report}`);
    console.log(`        scanned ${a11y.scanned.length} page states: ${a11y.scanned.join(', ')}`);
    for (const [id, where] of [...a11y.minor, ...a11y.unsure]) {
      console.log(
        `        (not failing) ${id}:\n          ${where.slice(0, 8).join('\n          ')}`,
      );
    }
  });

  await check('no page error and no Content-Security-Policy violation', async () => {
    assert.deepEqual(errors, []);
  });
}
