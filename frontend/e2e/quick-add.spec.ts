// Issue 10, experience list: quick add at the top of each column. A title and Enter put the
// task in that column at once (no page, no reload); the field stays open for the next one;
// Escape closes it; a refused title keeps what was typed; filters that hide the new task say so.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { Schemas, Task } from './support/api';
import { watchRequests } from './support/requests';

const column = (page: Page, name: string) => page.getByRole('list', { name });
const opener = (page: Page, name: string) =>
  page.getByRole('button', { name: `Add a task to ${name}`, exact: true });
const field = (page: Page, name: string) =>
  page.getByRole('textbox', { name: `Title of a new task in ${name}` });

test('a task added at the top of a column lands there, saved; the field stays for the next', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  await owner.api.createTask(project.id, { title: 'Older work', status: 'in_progress' });
  await page.goto(`/projects/${project.id}`);
  await expect(column(page, 'In progress').getByRole('link')).toHaveCount(1);

  await opener(page, 'In progress').click();
  await expect(field(page, 'In progress')).toBeFocused();
  await expectAccessible(page, 'board with quick add open');
  await field(page, 'In progress').fill('Call the printer');
  await page.keyboard.press('Enter');

  const cards = column(page, 'In progress').getByRole('link');
  await expect(cards.first()).toHaveText('Call the printer');
  await expect(
    page.getByRole('status').filter({ hasText: 'Added “Call the printer” to In progress.' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: /^In progress 2/ })).toBeVisible();
  // Ready for the next one: empty and focused.
  await expect(field(page, 'In progress')).toHaveValue('');
  await expect(field(page, 'In progress')).toBeFocused();
  await page.keyboard.type('Book the venue');
  await page.keyboard.press('Enter');
  await expect(cards).toHaveText(['Book the venue', 'Call the printer', 'Older work']);

  const saved = await owner.api.json<Schemas['TaskPage']>(
    'GET',
    `/projects/${project.id}/tasks?status=in_progress`,
  );
  expect(saved.items.map((t: Task) => t.title).sort()).toEqual(
    ['Book the venue', 'Call the printer', 'Older work'].sort(),
  );

  // Escape closes the field; focus goes back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(field(page, 'In progress')).toHaveCount(0);
  await expect(opener(page, 'In progress')).toBeFocused();
});

test('on an empty board, an empty title is explained and nothing is sent', async ({ owner }) => {
  const { page, project } = owner;
  // An empty board still has its columns, each with its quick add.
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByText('No tasks yet.')).toBeVisible();
  await opener(page, 'Done').click();
  const posts = watchRequests(page, (r) =>
    r.method() === 'POST' && r.url().endsWith(`/projects/${project.id}/tasks`) ? r.url() : null,
  );
  await field(page, 'Done').fill('   ');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Enter a title.')).toBeVisible();
  await expect(field(page, 'Done')).toHaveAttribute('aria-invalid', 'true');
  expect(posts).toHaveLength(0);

  // Typing clears the message; a title the API takes goes through.
  await field(page, 'Done').fill('Ship it');
  await expect(page.getByText('Enter a title.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(column(page, 'Done').getByRole('link', { name: 'Ship it' })).toBeVisible();
  expect(posts).toHaveLength(1);
});

test('a task the filters hide is added, and the user is told why it is not shown', async ({
  owner,
}) => {
  const { page, project } = owner;
  await owner.api.createTask(project.id, { title: 'Fix the outage', priority: 'urgent' });
  await page.goto(`/projects/${project.id}?priority=urgent`);
  await expect(column(page, 'To do').getByRole('link')).toHaveCount(1);
  await opener(page, 'To do').click();
  await field(page, 'To do').fill('Water the plants');
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('status').filter({
      hasText: 'Added “Water the plants” to To do; the filters hide it: clear them to see it.',
    }),
  ).toBeVisible();
  await expect(column(page, 'To do').getByRole('link')).toHaveText(['Fix the outage']);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(column(page, 'To do').getByRole('link', { name: 'Water the plants' })).toBeVisible();
});
