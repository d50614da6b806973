// Issue 11 (docs/decisions/0104): boards and open task panels update in place from the project's
// live stream (GET /api/projects/{id}/events, Server-Sent Events); an edit being typed is never
// overwritten by someone else's change; a stream that drops resumes where it was (Last-Event-ID)
// and the changes made meanwhile appear. The stack's access tokens last 4 s (support/env.ts), so
// every test here also crosses several `expired` endings and reconnects of the stream.
import type { Page, Request } from '@playwright/test';
import { type Actor, expect, test } from './fixtures';
import type { Task } from './support/api';
import { expectSameDocument, markDocument } from './support/live';
import { moveWithButton } from './support/moves';
import { watchRequests } from './support/requests';

const column = (page: Page, name: string) => page.getByRole('list', { name });
const card = (page: Page, columnName: string, title: string) =>
  column(page, columnName).getByRole('link', { name: title, exact: true });
const taskPath = (task: Task) => `/projects/${task.project_id}/tasks/${task.id}`;
const liveStatus = (page: Page) => page.locator('.live-status');

/** The board of `actor`, open, with `titles` in "To do", and the stream live. */
async function openBoard(actor: Actor, projectId: string, titles: string[]): Promise<void> {
  await actor.page.goto(`/projects/${projectId}`);
  for (const title of titles) await expect(card(actor.page, 'To do', title)).toBeVisible();
  await expect(liveStatus(actor.page)).toHaveText('Board updates: Live');
  await markDocument(actor.page);
}

/** The board's list and count reads the page makes from now on (not the one task it re-reads). */
function watchBoardReads(page: Page, projectId: string): string[] {
  return watchRequests(page, (request: Request) => {
    const path = new URL(request.url()).pathname;
    const read = path === `/api/projects/${projectId}/tasks` || path.endsWith('/tasks/counts');
    return read ? path : null;
  });
}

test("a teammate's move, new task, edit and delete show on the owner's board without a reload", async ({
  owner,
  member,
}) => {
  const { project } = owner;
  const brief = await owner.api.createTask(project.id, { title: 'Write the brief' });
  const logo = await owner.api.createTask(project.id, { title: 'Design the logo' });
  await openBoard(owner, project.id, ['Write the brief', 'Design the logo']);
  await openBoard(member, project.id, ['Write the brief', 'Design the logo']);
  await expect(owner.page.getByRole('heading', { name: 'To do 2 tasks' })).toBeVisible();

  // A move in the member's browser: the card changes column on the owner's, counts too.
  await moveWithButton(member.page, 'Write the brief', 'In progress');
  await expect(card(owner.page, 'In progress', 'Write the brief')).toBeVisible();
  await expect(card(owner.page, 'To do', 'Write the brief')).toHaveCount(0);
  await expect(owner.page.getByRole('heading', { name: 'In progress 1 tasks' })).toBeVisible();
  await expect(owner.page.getByRole('heading', { name: 'To do 1 tasks' })).toBeVisible();

  // A new task from the member's form.
  await member.page.getByRole('link', { name: 'New task' }).click();
  await member.page.getByLabel('Title').fill('Book the venue');
  await member.page.getByRole('button', { name: 'Create task' }).click();
  await expect(
    member.page.getByRole('heading', { name: 'Book the venue', level: 1 }),
  ).toBeVisible();
  await expect(card(owner.page, 'To do', 'Book the venue')).toBeVisible();
  await expect(owner.page.getByRole('heading', { name: 'To do 2 tasks' })).toBeVisible();

  // A title edit: the owner's tab reads that one task again, not the board's pages.
  const reads = watchBoardReads(owner.page, project.id);
  const current = await member.api.json<Task>('GET', taskPath(logo));
  await member.api.json(
    'PATCH',
    taskPath(logo),
    { title: 'Design the new logo' },
    {
      'If-Match': `"${current.version}"`,
    },
  );
  await expect(card(owner.page, 'To do', 'Design the new logo')).toBeVisible();
  await expect(card(owner.page, 'To do', 'Design the logo')).toHaveCount(0);
  expect(reads.filter((path) => path.endsWith(`/projects/${project.id}/tasks`))).toEqual([]);

  // A delete.
  const moved = await member.api.json<Task>('GET', taskPath(brief));
  await member.api.json('DELETE', taskPath(brief), undefined, {
    'If-Match': `"${moved.version}"`,
  });
  await expect(owner.page.getByRole('link', { name: 'Write the brief', exact: true })).toHaveCount(
    0,
  );
  await expect(owner.page.getByRole('heading', { name: 'In progress 0 tasks' })).toBeVisible();

  await expectSameDocument(owner.page);
  await expect(liveStatus(owner.page)).toHaveText('Board updates: Live');
});

test('an edit being typed is kept when a teammate changes the task; their change is offered', async ({
  owner,
  member,
  expectAccessible,
}) => {
  const { page } = owner;
  const task = await owner.api.createTask(owner.project.id, {
    title: 'Write the brief',
    description: 'First draft.',
  });
  await page.goto(taskPath(task));
  const panel = page.getByRole('dialog');
  await expect(panel.getByRole('heading', { name: 'Write the brief', level: 1 })).toBeVisible();
  await markDocument(page);

  // Untouched, the panel follows a teammate's change in place.
  const second = await member.api.json<Task>(
    'PATCH',
    taskPath(task),
    { description: 'Second draft.' },
    { 'If-Match': `"${task.version}"` },
  );
  await expect(panel.getByText('Second draft.')).toBeVisible();

  // The owner types (not saved); the member changes the title and the priority meanwhile.
  await panel.getByRole('button', { name: 'Edit title' }).click();
  await panel.getByLabel('Title').fill('Write the brief today');
  const theirs = await member.api.json<Task & { updated_by_id?: string | null }>(
    'PATCH',
    taskPath(task),
    { title: 'Write the launch brief', priority: 'urgent' },
    { 'If-Match': `"${second.version}"` },
  );
  const notice = page.getByRole('status').filter({ hasText: 'changed this task while' });
  // Named when the API says who changed the task (TaskOut.updated_by_id), else "someone else".
  await expect(notice).toContainText(
    `${'updated_by_id' in theirs ? member.name : 'Someone else'} changed this task while you were editing it`,
  );
  // Nothing typed is overwritten, and nothing changed under the user's hands.
  await expect(panel.getByLabel('Title')).toHaveValue('Write the brief today');
  await expect(panel.getByLabel('Priority')).toHaveValue('medium');
  await expectAccessible(page, 'task panel (changed by someone else while editing)');

  await notice.getByRole('button', { name: 'Reload the latest version' }).click();
  await expect(panel.getByLabel('Title')).toHaveValue('Write the brief today');
  await expect(panel.getByLabel('Priority')).toHaveValue('urgent');
  await expect(panel.getByRole('group', { name: 'Changed meanwhile: Title' })).toContainText(
    'Write the launch brief',
  );
  await panel.getByLabel('Title').press('Enter');
  await expect(panel.getByText('Saved.')).toBeVisible();
  const saved = await owner.api.json<Task>('GET', taskPath(task));
  expect([saved.title, saved.description, saved.priority]).toEqual([
    'Write the brief today',
    'Second draft.',
    'urgent',
  ]);
  await expectSameDocument(page);
});

test("a viewer's board updates too, and passes axe with the live status shown", async ({
  owner,
  viewer,
  expectAccessible,
}) => {
  const { project } = owner;
  await owner.api.createTask(project.id, { title: 'Write the brief' });
  await openBoard(viewer, project.id, ['Write the brief']);
  await owner.api.createTask(project.id, { title: 'Print the posters' });
  await expect(card(viewer.page, 'To do', 'Print the posters')).toBeVisible();
  await expect(viewer.page.getByRole('heading', { name: 'To do 2 tasks' })).toBeVisible();
  await expectSameDocument(viewer.page);
  await expectAccessible(viewer.page, 'board (viewer, live)');
});

test('after the connection drops, a change made meanwhile appears (resumed with Last-Event-ID)', async ({
  owner,
  member,
}) => {
  const { page, project } = owner;
  await owner.api.createTask(project.id, { title: 'Write the brief' });
  await openBoard(owner, project.id, ['Write the brief']);

  // Cut the stream: every connection attempt fails until `offline` is lifted. The open stream
  // ends by itself within one access-token lifetime (`expired`), and its reconnect fails.
  let offline = true;
  const resumedWith: (string | undefined)[] = [];
  let failed: () => void = () => {};
  const firstFailure = new Promise<void>((resolve) => {
    failed = resolve;
  });
  await page.route(`**/api/projects/${project.id}/events`, async (route) => {
    if (offline) {
      failed();
      return route.abort('internetdisconnected');
    }
    resumedWith.push(route.request().headers()['last-event-id']);
    return route.fallback();
  });
  await firstFailure;
  await expect(liveStatus(page)).toHaveText('Board updates: Reconnecting…');

  // Made while the owner's board has no stream.
  await member.api.createTask(project.id, { title: 'Made while offline' });
  offline = false;

  await expect(card(page, 'To do', 'Made while offline')).toBeVisible();
  await expect(liveStatus(page)).toHaveText('Board updates: Live');
  expect(resumedWith[0], 'the reconnect names the last event seen').toMatch(/^\d+-\d+$/);
  await expectSameDocument(page);
});

test('while live updates are unavailable (503, as with Redis down) the board polls', async ({
  owner,
  member,
}) => {
  const { page, project } = owner;
  // The API answers 503 to new streams while Redis is down (backend/tests/test_events.py).
  await page.route(`**/api/projects/${project.id}/events`, (route) =>
    route.fulfill({
      status: 503,
      headers: { 'content-type': 'application/json', 'retry-after': '5' },
      body: JSON.stringify({
        error: {
          code: 'service_unavailable',
          message: 'Live updates are unavailable; poll for changes meanwhile.',
          details: null,
        },
      }),
    }),
  );
  await owner.api.createTask(project.id, { title: 'Write the brief' });
  await page.goto(`/projects/${project.id}`);
  await expect(card(page, 'To do', 'Write the brief')).toBeVisible();
  await expect(liveStatus(page)).toHaveText('Board updates: Updates every 10 s');
  await markDocument(page);

  await member.api.createTask(project.id, { title: 'Seen by polling' });
  // Within one poll interval (10 s) and its request, with no stream at all.
  await expect(card(page, 'To do', 'Seen by polling')).toBeVisible({ timeout: 20_000 });
  await expectSameDocument(page);
});

test('a member removed from the project leaves its board with a message', async ({
  owner,
  member,
}) => {
  const { project } = owner;
  await owner.api.createTask(project.id, { title: 'Write the brief' });
  await openBoard(member, project.id, ['Write the brief']);
  await owner.api.json('DELETE', `/projects/${project.id}/members/${member.id}`);
  await expect(
    member.page.getByRole('status').filter({ hasText: 'You are no longer a member' }),
  ).toHaveText(`You are no longer a member of “${project.name}”.`);
  await expect(member.page).toHaveURL(/\/$/);
  await expect(member.page.getByRole('link', { name: project.name })).toHaveCount(0);
});
