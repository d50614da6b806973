// Issue 10, bug 5: moving a card is optimistic (no snap-back, no greyed-out select), costs one
// request (the PATCH of that task, never a refetch of the board's pages), rolls back with a
// message naming the task (and who changed it) on a conflict, and can be undone. "Reload" in the
// task panel after a conflict keeps what the user typed.
import type { Page, Request, Route } from '@playwright/test';
import { expect, type Owner, test } from './fixtures';
import type { Task } from './support/api';
import { holdLiveUpdates } from './support/live';
import { moveWithButton } from './support/moves';
import { watchRequests } from './support/requests';
import { waitForAccessTokenExpiry } from './support/session';

const column = (page: Page, name: string) => page.getByRole('list', { name });
const card = (page: Page, columnName: string, title: string) =>
  column(page, columnName).getByRole('link', { name: title, exact: true });
const taskPath = (task: Task) => `/projects/${task.project_id}/tasks/${task.id}`;

/**
 * Every API request the page makes from now on, as "METHOD /path?query", but the live
 * stream's (issue 11): its reconnects, and the token refreshes they cause, come and go on
 * their own (every 4 s here: support/env.ts) and read nothing of the board.
 */
function watchApi(page: Page): string[] {
  return watchRequests(page, (request: Request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/') || url.pathname.endsWith('/events')) return null;
    if (url.pathname === '/api/auth/refresh') return null;
    return `${request.method()} ${url.pathname}${url.search}`;
  });
}

/**
 * Holds the page's first PATCH of `task` until `release()`: what shows meanwhile is optimistic.
 * Only the first: if it comes back 401 (the token expired meanwhile), its retry goes through.
 */
async function holdPatch(page: Page, task: Task): Promise<{ release: () => Promise<void> }> {
  let held: Route | null = null;
  let arrived: () => void = () => {};
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  await page.route(`**/api${taskPath(task)}`, async (route) => {
    if (route.request().method() !== 'PATCH' || held !== null) return route.fallback();
    held = route;
    arrived();
  });
  return {
    release: async () => {
      await arrival;
      await (held as Route | null)?.continue();
      await page.unroute(`**/api${taskPath(task)}`);
    },
  };
}

async function openBoard(owner: Owner, titles: string[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const title of titles) tasks.push(await owner.api.createTask(owner.project.id, { title }));
  await owner.page.goto(`/projects/${owner.project.id}`);
  for (const title of titles) await expect(card(owner.page, 'To do', title)).toBeVisible();
  await expect(owner.page.getByRole('heading', { name: /^To do \d+ tasks$/ })).toBeVisible();
  return tasks;
}

/** Lets any request a move would set off start; the assertion is that none does. */
const settle = (page: Page) => page.waitForTimeout(800);

test('a move shows at once, never greys out, and costs one request', async ({ owner }) => {
  const { page } = owner;
  const [task] = await openBoard(owner, ['Write the brief', 'Design the logo']);
  if (!task) throw new Error('no task');
  const requests = watchApi(page);
  const patch = await holdPatch(page, task);

  await moveWithButton(page, 'Write the brief', 'In progress');
  // While the server has not answered yet: the card is already in its new column, its Move
  // button can be used and offers the other columns, and the counts follow.
  await expect(card(page, 'In progress', 'Write the brief')).toBeVisible();
  await expect(card(page, 'To do', 'Write the brief')).toHaveCount(0);
  const moved = column(page, 'In progress')
    .locator('li.task-card')
    .filter({ has: page.getByRole('link', { name: 'Write the brief', exact: true }) });
  const again = moved.getByRole('button', { name: 'Move Write the brief', exact: true });
  await expect(again).toBeFocused();
  await again.click();
  await expect(
    moved.getByRole('list', { name: 'Move Write the brief to' }).getByRole('button'),
  ).toHaveText(['To do', 'Done']);
  await page.keyboard.press('Escape');
  await expect(moved.getByRole('list', { name: 'Move Write the brief to' })).toHaveCount(0);
  await expect(again).toBeFocused();
  await expect(page.getByRole('heading', { name: 'In progress 1 tasks' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'To do 1 tasks' })).toBeVisible();

  // Its answer, not a 401: the token may have expired while the PATCH was held (they live 4 s
  // here), and then the page refreshes it and sends the PATCH again.
  const answered = page.waitForResponse(
    (r) =>
      r.request().method() === 'PATCH' && r.url().endsWith(taskPath(task)) && r.status() !== 401,
  );
  await patch.release();
  expect((await answered).status()).toBe(200);
  await expect(
    page.getByRole('status').filter({ hasText: 'Moved “Write the brief”' }),
  ).toBeVisible();
  await settle(page);
  // The card stays where it went (no snap-back), and the move cost exactly one request.
  await expect(card(page, 'In progress', 'Write the brief')).toBeVisible();
  expect(requests).toEqual([`PATCH /api${taskPath(task)}`]);
  const saved = await owner.api.json<Task>('GET', taskPath(task));
  expect([saved.status, saved.version]).toEqual(['in_progress', task.version + 1]);
});

test('a move refused because someone changed the task first rolls back and names both', async ({
  owner,
  member,
  expectAccessible,
  request,
}) => {
  const { page } = owner;
  // The teammate's change must not reach the board first (as when its live update is late).
  await holdLiveUpdates(page, owner.project.id);
  const [task] = await openBoard(owner, ['Write the brief']);
  if (!task) throw new Error('no task');
  // A teammate moves it to "Done" after the owner's board was read.
  const theirs = await member.api.json<Task & { updated_by_id?: string | null }>(
    'PATCH',
    taskPath(task),
    { status: 'done' },
    { 'If-Match': `"${task.version}"` },
  );
  // With the tab's access token expired (they live 4 s here), as it often is by now: the PATCH
  // is refused with 401 and sent again after a refresh, which counts as the one request it is.
  await waitForAccessTokenExpiry(page, request);
  const requests = watchApi(page);

  await moveWithButton(page, 'Write the brief', 'In progress');
  const alert = page.getByRole('alert').filter({ hasText: 'Write the brief' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('Could not move “Write the brief” to In progress');
  // Named when the API says who changed the task (TaskOut.updated_by_id), else "someone else".
  await expect(alert).toContainText(
    'updated_by_id' in theirs ? `${member.name} changed it first` : 'someone else changed it first',
  );
  await expect(alert).toContainText('It is in Done now');
  // The card is where the server has it, with the server's version: a move from there works.
  await expect(card(page, 'Done', 'Write the brief')).toBeVisible();
  await expect(card(page, 'In progress', 'Write the brief')).toHaveCount(0);
  await expect(card(page, 'To do', 'Write the brief')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Done 1 tasks' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'In progress 0 tasks' })).toBeVisible();
  await expectAccessible(page, 'board (move conflict)');
  // The refused PATCH, then the one task re-read to learn where it is (no page refetched).
  expect(requests).toEqual([`PATCH /api${taskPath(task)}`, `GET /api${taskPath(task)}`]);

  // Dismissed, the message goes; a move from where the card now is works (the server's version).
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Write the brief' })).toHaveCount(0);
  await moveWithButton(page, 'Write the brief', 'In progress');
  await expect(card(page, 'In progress', 'Write the brief')).toBeVisible();
  await expect
    .poll(async () => (await owner.api.json<Task>('GET', taskPath(task))).status)
    .toBe('in_progress');
});

test('undo puts a moved task back, with one request', async ({ owner }) => {
  const { page } = owner;
  const [task] = await openBoard(owner, ['Write the brief']);
  if (!task) throw new Error('no task');
  const columnTop = async () =>
    (await page.getByRole('region', { name: /^To do / }).boundingBox())?.y;
  const top = await columnTop();
  await moveWithButton(page, 'Write the brief', 'Done');
  const notice = page.getByRole('status').filter({ hasText: 'Moved “Write the brief” to Done' });
  await expect(notice).toBeVisible();
  // A toast over the page: the board did not move down under the pointer.
  expect(await columnTop()).toBe(top);
  await expect(card(page, 'Done', 'Write the brief')).toBeVisible();
  await expect
    .poll(async () => (await owner.api.json<Task>('GET', taskPath(task))).status)
    .toBe('done');

  const requests = watchApi(page);
  await notice.getByRole('button', { name: 'Undo moving “Write the brief”' }).click();
  await expect(card(page, 'To do', 'Write the brief')).toBeVisible();
  await expect(card(page, 'Done', 'Write the brief')).toHaveCount(0);
  const movedBack = page
    .getByRole('status')
    .filter({ hasText: 'Moved “Write the brief” back to To do' });
  await expect(movedBack).toBeVisible();
  await settle(page);
  expect(requests).toEqual([`PATCH /api${taskPath(task)}`]);
  const saved = await owner.api.json<Task>('GET', taskPath(task));
  expect([saved.status, saved.version]).toEqual(['todo', task.version + 2]);
  // A plain notice goes by itself (ui/toastQueue.ts, NOTICE_MS) once the pointer is off the
  // toasts (it holds them); the one with Undo had stayed.
  await page.mouse.move(0, 0);
  await expect(movedBack).toHaveCount(0, { timeout: 10_000 });
});

test('"Reload" after an edit conflict keeps what the user typed', async ({
  owner,
  member,
  expectAccessible,
}) => {
  const { page } = owner;
  const task = await owner.api.createTask(owner.project.id, {
    title: 'Write the brief',
    description: 'First draft.',
  });
  // The teammate's change must not reach the form first (as when its live update is late;
  // e2e/live.spec.ts covers the form told of it while the user types).
  await holdLiveUpdates(page, owner.project.id);
  await page.goto(taskPath(task));
  const panel = page.getByRole('dialog');
  await expect(panel.getByRole('heading', { name: 'Write the brief', level: 1 })).toBeVisible();
  // A teammate changes the title and the priority after the panel opened.
  const theirs = await member.api.json<Task & { updated_by_id?: string | null }>(
    'PATCH',
    taskPath(task),
    { title: 'Write the launch brief', priority: 'urgent' },
    { 'If-Match': `"${task.version}"` },
  );
  // The owner edits the title and saves it (Enter): refused.
  await panel.getByRole('button', { name: 'Edit title' }).click();
  await panel.getByLabel('Title').fill('Write the brief today');
  await panel.getByLabel('Title').press('Enter');
  const conflict = panel.getByRole('alert').filter({ hasText: 'changed this task' });
  await expect(conflict).toContainText(
    'updated_by_id' in theirs
      ? `${member.name} changed this task after you opened it`
      : 'Someone else changed this task after you opened it',
  );
  // What they typed stays; they also write a description before reloading.
  await expect(panel.getByLabel('Title')).toHaveValue('Write the brief today');
  await panel.getByRole('button', { name: 'Edit description' }).click();
  await panel.getByLabel('Description').fill('My own words, kept.');
  await conflict.getByRole('button', { name: 'Reload the latest version' }).click();

  // Their changes where the owner typed nothing; the owner's words where they typed; where
  // both changed a field, the owner's words stay, and theirs are shown beside them.
  await expect(panel.getByLabel('Description')).toHaveValue('My own words, kept.');
  await expect(panel.getByLabel('Priority')).toHaveValue('urgent');
  await expect(panel.getByLabel('Title')).toHaveValue('Write the brief today');
  const explanation = panel.getByRole('status').filter({ hasText: 'Loaded the latest version' });
  await expect(explanation).toContainText('Your changes to Title and Description are kept');
  const titleField = panel.getByRole('group', { name: 'Changed meanwhile: Title' });
  await expect(titleField).toContainText('Write the launch brief');
  await expectAccessible(page, 'task panel (reloaded after a conflict)');

  // The owner takes their title after all, and saves the description: no conflict.
  await titleField.getByRole('button', { name: 'Use their title' }).click();
  await expect(panel.getByLabel('Title')).toHaveValue('Write the launch brief');
  await panel.getByLabel('Title').press('Enter');
  await panel.getByRole('button', { name: 'Save description' }).click();
  await expect(panel.getByText('Saved.')).toBeVisible();
  await expect(
    panel.getByRole('heading', { name: 'Write the launch brief', level: 1 }),
  ).toBeVisible();
  const saved = await owner.api.json<Task>('GET', taskPath(task));
  expect([saved.title, saved.description, saved.priority]).toEqual([
    'Write the launch brief',
    'My own words, kept.',
    'urgent',
  ]);
});
