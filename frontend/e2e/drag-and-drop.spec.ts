// Issue 10, experience list: cards are dragged between columns and within a column (the board's
// order, kept on the server: ADR 0106) with the mouse, or with the keyboard (dnd-kit's keyboard
// sensor: Space, arrow keys, Space) with screen-reader announcements that name the task, the
// column and its position; axe finds nothing serious on the way. A drop sends one PATCH with
// `after_id`; a conflict rolls back with a message; a reorder can be undone. Under another sort
// the order is the sort's: cards only change column.
import type { Page } from '@playwright/test';
import { expect, type Owner, test } from './fixtures';
import type { Task } from './support/api';
import { holdLiveUpdates } from './support/live';

const card = (page: Page, columnName: string, title: string) =>
  page.getByRole('list', { name: columnName }).getByRole('link', { name: title, exact: true });
const handle = (page: Page, title: string) =>
  page.getByRole('button', { name: `Drag ${title} to another column` });
/** dnd-kit's live region (role="status"), where its announcements go. */
const announcement = (page: Page) => page.locator('[id^="DndLiveRegion"]');

/**
 * Space on the focused handle picks the card up. dnd-kit announces the pick-up at once but
 * starts listening for the arrow keys in a `setTimeout` (KeyboardSensor.attach), and Chromium
 * runs input before pending timers: an arrow sent right after the announcement can arrive
 * before anyone listens (CI saw it twice on the second pick-up). A timer of our own, queued
 * after dnd-kit's, has run only once dnd-kit's has.
 */
async function pickUp(page: Page, title: string, column: string) {
  await page.keyboard.press('Space');
  await expect(announcement(page)).toContainText(`Picked up ${title}, in ${column}`);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

async function board(owner: Owner, titles: string[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const title of titles) tasks.push(await owner.api.createTask(owner.project.id, { title }));
  await owner.api.createTask(owner.project.id, { title: 'Already done', status: 'done' });
  await owner.page.goto(`/projects/${owner.project.id}`);
  for (const title of titles) await expect(card(owner.page, 'To do', title)).toBeVisible();
  return tasks;
}

/** A column's titles as the server orders it (the board's order, top first). */
async function savedOrder(owner: Owner, status: Task['status']): Promise<string[]> {
  const path = `/projects/${owner.project.id}/tasks?status=${status}&sort=position&limit=100`;
  return (await owner.api.json<{ items: Task[] }>('GET', path)).items.map((t) => t.title);
}

/** A card's list item (the whole card). */
const cardItem = (page: Page, columnName: string, title: string) =>
  page
    .getByRole('list', { name: columnName })
    .getByRole('listitem')
    .filter({
      has: page.getByRole('link', { name: title, exact: true }),
    });

/** The titles a column shows, top first. */
const shownOrder = (page: Page, columnName: string) =>
  page.getByRole('list', { name: columnName }).locator('.card-title').allTextContents();

async function savedStatus(owner: Owner, task: Task): Promise<string> {
  const path = `/projects/${task.project_id}/tasks/${task.id}`;
  return (await owner.api.json<Task>('GET', path)).status;
}

test('a card dragged with the mouse to another column moves there', async ({ owner }) => {
  const { page } = owner;
  const [task] = await board(owner, ['Write the brief', 'Design the logo']);
  if (!task) throw new Error('no task');
  const from = await handle(page, 'Write the brief').boundingBox();
  const to = await page.getByRole('region', { name: /^In progress / }).boundingBox();
  if (!from || !to) throw new Error('not laid out');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 12 });
  await expect(announcement(page)).toContainText('over position 1 of 1 in In progress');
  await page.mouse.up();

  await expect(card(page, 'In progress', 'Write the brief')).toBeVisible();
  await expect(card(page, 'To do', 'Write the brief')).toHaveCount(0);
  await expect(announcement(page)).toContainText(
    'Write the brief was dropped at position 1 in In progress (it was in To do)',
  );
  await expect.poll(() => savedStatus(owner, task)).toBe('in_progress');
  await expect(
    page.getByRole('status').filter({ hasText: 'Moved “Write the brief” to In progress' }),
  ).toBeVisible();
});

test('a card moves with the keyboard, with announcements; axe passes', async ({
  owner,
  expectAccessible,
}) => {
  const { page } = owner;
  const [task] = await board(owner, ['Write the brief', 'Design the logo']);
  if (!task) throw new Error('no task');
  await expectAccessible(page, 'board with drag handles');

  const drag = handle(page, 'Write the brief');
  await drag.focus();
  await pickUp(page, 'Write the brief', 'To do');
  await expectAccessible(page, 'board while a card is picked up');
  await page.keyboard.press('ArrowRight');
  await expect(announcement(page)).toContainText(
    'Write the brief is over position 1 of 1 in In progress',
  );
  await page.keyboard.press('ArrowRight');
  await expect(announcement(page)).toContainText('Write the brief is over position 1 of 2 in Done');
  await page.keyboard.press('ArrowLeft');
  await expect(announcement(page)).toContainText(
    'Write the brief is over position 1 of 1 in In progress',
  );
  await page.keyboard.press('Space');

  await expect(announcement(page)).toContainText(
    'Write the brief was dropped at position 1 in In progress (it was in To do)',
  );
  await expect(card(page, 'In progress', 'Write the brief')).toBeVisible();
  await expect(card(page, 'To do', 'Write the brief')).toHaveCount(0);
  // Focus stays on the card's handle, now in its new column.
  await expect(handle(page, 'Write the brief')).toBeFocused();
  await expect.poll(() => savedStatus(owner, task)).toBe('in_progress');

  // Escape cancels: the card stays where it is, and nothing is sent.
  await pickUp(page, 'Write the brief', 'In progress');
  await page.keyboard.press('ArrowRight');
  await expect(announcement(page)).toContainText('is over position 1 of 2 in Done');
  await page.keyboard.press('Escape');
  await expect(announcement(page)).toContainText(
    'Moving Write the brief was cancelled; it stays in In progress',
  );
  await expect(card(page, 'In progress', 'Write the brief')).toBeVisible();
  await expect.poll(() => savedStatus(owner, task)).toBe('in_progress');
  await expectAccessible(page, 'board after a keyboard move');
});

test('on a phone, the keyboard moves a card down its column, then to the next column', async ({
  owner,
}) => {
  const { page } = owner;
  await page.setViewportSize({ width: 390, height: 844 });
  const [, task] = await board(owner, ['Write the brief', 'Design the logo']);
  if (!task) throw new Error('no task');
  const drag = handle(page, 'Design the logo');
  const box = await drag.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThanOrEqual(44);
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  await drag.focus();
  await pickUp(page, 'Design the logo', 'To do');
  // The columns are stacked: down goes past the card below, then on to the next column.
  await page.keyboard.press('ArrowDown');
  await expect(announcement(page)).toContainText(
    'Design the logo is over position 2 of 2 in To do',
  );
  await page.keyboard.press('ArrowDown');
  await expect(announcement(page)).toContainText(
    'Design the logo is over position 1 of 1 in In progress',
  );
  await page.keyboard.press('Space');
  await expect(card(page, 'In progress', 'Design the logo')).toBeVisible();
  await expect.poll(() => savedStatus(owner, task)).toBe('in_progress');
});

// The board's order: newest first to begin with (new tasks go to the top of their column).
const THREE = ['Write the brief', 'Design the logo', 'Book the venue'];
const SHOWN = ['Book the venue', 'Design the logo', 'Write the brief'];

test('a card dragged with the mouse within its column keeps its new place; undo puts it back', async ({
  owner,
}) => {
  const { page } = owner;
  await board(owner, THREE);
  expect(await shownOrder(page, 'To do')).toEqual(SHOWN);
  const from = await handle(page, 'Write the brief').boundingBox();
  const source = await cardItem(page, 'To do', 'Write the brief').boundingBox();
  const target = await cardItem(page, 'To do', 'Book the venue').boundingBox();
  if (!from || !source || !target) throw new Error('not laid out');
  const x = from.x + from.width / 2;
  const y = from.y + from.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + target.y - source.y, { steps: 12 });
  await expect(announcement(page)).toContainText(
    'Write the brief is over position 1 of 3 in To do',
  );
  await page.mouse.up();

  await expect(announcement(page)).toContainText(
    'Write the brief was dropped at position 1 in To do (it was 3rd)',
  );
  await expect
    .poll(() => shownOrder(page, 'To do'))
    .toEqual(['Write the brief', 'Book the venue', 'Design the logo']);
  await expect
    .poll(() => savedOrder(owner, 'todo'))
    .toEqual(['Write the brief', 'Book the venue', 'Design the logo']);
  const toast = page
    .getByRole('status')
    .filter({ hasText: 'Moved “Write the brief” to the top of To do' });
  await expect(toast).toBeVisible();

  // Undo: back after the card that was above it.
  await toast.getByRole('button', { name: /Undo/ }).click();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: 'Moved “Write the brief” back to its place in To do' }),
  ).toBeVisible();
  await expect.poll(() => shownOrder(page, 'To do')).toEqual(SHOWN);
  await expect.poll(() => savedOrder(owner, 'todo')).toEqual(SHOWN);
  // Kept on the server: a reload shows the same order.
  await page.reload();
  await expect.poll(() => shownOrder(page, 'To do')).toEqual(SHOWN);
});

test('the keyboard reorders a column and places a card in the middle of another; axe passes', async ({
  owner,
  expectAccessible,
}) => {
  const { page } = owner;
  await owner.api.createTask(owner.project.id, {
    title: 'Print the flyers',
    status: 'in_progress',
  });
  await owner.api.createTask(owner.project.id, {
    title: 'Call the printer',
    status: 'in_progress',
  });
  await board(owner, THREE);
  await expect(card(page, 'In progress', 'Call the printer')).toBeVisible();

  await handle(page, 'Book the venue').focus();
  await pickUp(page, 'Book the venue', 'To do');
  await expect(announcement(page)).toContainText('at position 1 of 3');
  await page.keyboard.press('ArrowDown');
  await expect(announcement(page)).toContainText('Book the venue is over position 2 of 3 in To do');
  await expectAccessible(page, 'board while a card is moved within its column');
  await page.keyboard.press('ArrowDown');
  await expect(announcement(page)).toContainText('Book the venue is over position 3 of 3 in To do');
  await page.keyboard.press('Space');
  await expect(announcement(page)).toContainText(
    'Book the venue was dropped at position 3 in To do (it was 1st)',
  );
  await expect
    .poll(() => savedOrder(owner, 'todo'))
    .toEqual(['Design the logo', 'Write the brief', 'Book the venue']);
  await expect(handle(page, 'Book the venue')).toBeFocused();

  // Into the middle of "In progress": right, then down one place.
  await handle(page, 'Design the logo').focus();
  await pickUp(page, 'Design the logo', 'To do');
  await page.keyboard.press('ArrowRight');
  await expect(announcement(page)).toContainText(
    'Design the logo is over position 1 of 3 in In progress',
  );
  await page.keyboard.press('ArrowDown');
  await expect(announcement(page)).toContainText(
    'Design the logo is over position 2 of 3 in In progress',
  );
  await expectAccessible(page, 'board while a card is moved into another column');
  await page.keyboard.press('Space');
  await expect(announcement(page)).toContainText(
    'Design the logo was dropped at position 2 in In progress (it was in To do)',
  );
  await expect
    .poll(() => savedOrder(owner, 'in_progress'))
    .toEqual(['Call the printer', 'Design the logo', 'Print the flyers']);
  await expect
    .poll(() => shownOrder(page, 'In progress'))
    .toEqual(['Call the printer', 'Design the logo', 'Print the flyers']);
  await expect(handle(page, 'Design the logo')).toBeFocused();
  await expectAccessible(page, 'board after keyboard reorders');
});

test('a drop after a card someone else moved meanwhile is rolled back, naming them', async ({
  owner,
  member,
}) => {
  const { page } = owner;
  // The teammate's move must not reach the board first (as when its live update is late).
  await holdLiveUpdates(page, owner.project.id);
  const [, logo] = await board(owner, THREE);
  if (!logo) throw new Error('no task');
  // Maya moves "Design the logo" to Done after the owner's board was read.
  await member.api.json<Task>(
    'PATCH',
    `/projects/${owner.project.id}/tasks/${logo.id}`,
    { status: 'done' },
    { 'If-Match': `"${logo.version}"` },
  );

  // The owner drops "Book the venue" right after "Design the logo" (still shown in To do).
  await handle(page, 'Book the venue').focus();
  await pickUp(page, 'Book the venue', 'To do');
  await page.keyboard.press('ArrowDown');
  await expect(announcement(page)).toContainText('Book the venue is over position 2 of 3 in To do');
  await page.keyboard.press('Space');

  const alert = page.getByRole('alert').filter({ hasText: 'Book the venue' });
  await expect(alert).toContainText('Could not move “Book the venue” to To do');
  await expect(alert).toContainText(
    'moved “Design the logo”, the card it was to go after, to Done',
  );
  await expect(alert).toContainText('It is back where it was');
  // Back in its place; the card it was to follow shown where it is now.
  await expect.poll(() => shownOrder(page, 'To do')).toEqual(['Book the venue', 'Write the brief']);
  await expect(card(page, 'Done', 'Design the logo')).toBeVisible();
  expect(await savedOrder(owner, 'todo')).toEqual(['Book the venue', 'Write the brief']);
});

test('a reorder of a card someone else changed meanwhile is rolled back, naming them', async ({
  owner,
  member,
}) => {
  const { page } = owner;
  await holdLiveUpdates(page, owner.project.id);
  const [brief] = await board(owner, THREE);
  if (!brief) throw new Error('no task');
  await member.api.json<Task>(
    'PATCH',
    `/projects/${owner.project.id}/tasks/${brief.id}`,
    { priority: 'high' },
    { 'If-Match': `"${brief.version}"` },
  );

  await handle(page, 'Write the brief').focus();
  await pickUp(page, 'Write the brief', 'To do');
  await page.keyboard.press('ArrowUp');
  await expect(announcement(page)).toContainText(
    'Write the brief is over position 2 of 3 in To do',
  );
  await page.keyboard.press('Space');

  const alert = page.getByRole('alert').filter({ hasText: 'Write the brief' });
  await expect(alert).toContainText('Could not move “Write the brief” to To do');
  await expect(alert).toContainText(`${member.name} changed it first`);
  await expect.poll(() => shownOrder(page, 'To do')).toEqual(SHOWN);
  expect(await savedOrder(owner, 'todo')).toEqual(SHOWN);
});

test('under another sort, a card changes column but takes no place within one', async ({
  owner,
}) => {
  const { page } = owner;
  await board(owner, THREE);
  await page.getByLabel('Sort by').selectOption('created_at');
  await expect.poll(() => shownOrder(page, 'To do')).toEqual(THREE);
  await handle(page, 'Write the brief').focus();
  await page.keyboard.press('Space');
  await expect(announcement(page)).toContainText(
    'The sort sets the order within a column: only the column can change.',
  );
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await expect(announcement(page)).toContainText('dropped back in To do, where it was');
  expect(await shownOrder(page, 'To do')).toEqual(THREE);
  expect(await savedOrder(owner, 'todo')).toEqual(SHOWN);
});
