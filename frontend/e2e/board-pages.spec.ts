// The board over the cursor pagination (src/tasks/hooks.ts, src/tasks/infiniteScroll.ts).
import { expect, type Owner, test } from './fixtures';
import type { Task } from './support/api';

/** The board's page size, per column (src/tasks/hooks.ts). */
const PAGE_SIZE = 30;
/** More than two pages of "To do"; "In progress" and "Done" fit in one each. */
const TODO = 2 * PAGE_SIZE + 5;
const OTHERS = 5;
const TOTAL = TODO + 2 * OTHERS;
const COLUMNS = [
  ['To do', 'todo'],
  ['In progress', 'in_progress'],
  ['Done', 'done'],
] as const;

/**
 * Seeded through the API, in every column, created 16 at a time (so some share a timestamp
 * and only the id breaks the tie in the cursor).
 */
async function seedBacklog(owner: Owner): Promise<Task[]> {
  const statuses = [
    ...Array<'todo'>(TODO).fill('todo'),
    ...Array<'in_progress'>(OTHERS).fill('in_progress'),
    ...Array<'done'>(OTHERS).fill('done'),
  ];
  const tasks: Task[] = [];
  for (let start = 0; start < TOTAL; start += 16) {
    const batch = [];
    for (let i = start; i < Math.min(start + 16, TOTAL); i++) {
      batch.push(
        owner.api.createTask(owner.project.id, {
          title: `Backlog item ${String(i + 1).padStart(2, '0')}`,
          status: statuses[i] ?? 'todo',
        }),
      );
    }
    tasks.push(...(await Promise.all(batch)));
  }
  return tasks;
}

test('a list longer than two pages loads as the board is scrolled, each task once', async ({
  owner,
}) => {
  const { page, project } = owner;
  const tasks = await seedBacklog(owner);
  const cursors: (string | null)[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    const todo = url.searchParams.get('status') === 'todo';
    if (response.status() === 200 && url.pathname === `/api/projects/${project.id}/tasks` && todo) {
      cursors.push(url.searchParams.get('cursor'));
    }
  });
  await page.goto(`/projects/${project.id}`);
  const cards = page.locator('.board').getByRole('link');
  await expect(cards).toHaveCount(PAGE_SIZE + 2 * OTHERS);
  // Only the first page before scrolling: the sentinel is out of reach of the observer (its
  // root margin is 200px), so nothing asks for the next page.
  const belowTheFold = await page
    .locator('.load-more')
    .evaluate((el) => el.getBoundingClientRect().top - window.innerHeight);
  expect(belowTheFold).toBeGreaterThan(200);
  expect(cursors).toEqual([null]);

  // Scroll down, the way a user does, until the last page is in.
  const more = page.getByRole('button', { name: /Load more tasks|Loading more tasks/ });
  await expect(async () => {
    await page.mouse.wheel(0, 20_000);
    await expect(more).toHaveCount(0, { timeout: 1_000 });
  }).toPass();
  await expect(cards).toHaveCount(TOTAL);
  const hrefs = await cards.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(new Set(hrefs).size, 'no task twice').toBe(TOTAL);
  expect(hrefs.sort()).toEqual(tasks.map((t) => `/projects/${project.id}/tasks/${t.id}`).sort());
  expect(cursors, 'three pages of "To do", each asked for once').toHaveLength(3);
  expect(new Set(cursors).size, `each page asked for once: ${cursors}`).toBe(3);
  for (const [label, status] of COLUMNS) {
    const want = tasks.filter((t) => t.status === status).length;
    await expect(page.getByRole('list', { name: label }).getByRole('link')).toHaveCount(want);
    await expect(
      page.getByRole('heading', { name: `${label} ${want} tasks`, level: 2 }),
    ).toBeVisible();
  }
});

test('with the keyboard, "Load more tasks" loads the rest and focus lands on the column heading', async ({
  owner,
}) => {
  const { page, project } = owner;
  await seedBacklog(owner);
  await page.goto(`/projects/${project.id}`);
  const cards = page.locator('.board').getByRole('link');
  await expect(cards).toHaveCount(PAGE_SIZE + 2 * OTHERS);
  const more = page.getByRole('button', { name: /Load(ing)? more tasks.* in To do/ });
  await more.focus();
  // Enter on the focused button until the last page removes it.
  await expect(async () => {
    await page.keyboard.press('Enter');
    await expect(more).toHaveCount(0, { timeout: 1_000 });
  }).toPass();
  await expect(cards).toHaveCount(TOTAL);
  // Focus lands on the column's heading, not at the top of the document.
  await expect(page.getByRole('heading', { name: `To do ${TODO} tasks`, level: 2 })).toBeFocused({
    timeout: 5_000,
  });
});

test('the first pages mount ten cards per column at a time, and no page loads meanwhile', async ({
  owner,
}) => {
  const { page, project } = owner;
  await seedBacklog(owner);
  // A screen tall enough for the sentinel below ten cards to be in reach (not below thirty).
  await page.setViewportSize({ width: 1280, height: 2400 });
  const cursors: string[] = [];
  page.on('request', (request) => {
    const cursor = new URL(request.url()).searchParams.get('cursor');
    if (cursor) cursors.push(cursor);
  });
  // In the page: the cards of each column after every change of the document (a commit), from
  // the first card on.
  await page.addInitScript(() => {
    const w = window as unknown as { mounts: string[] };
    w.mounts = [];
    new MutationObserver(() => {
      const cards = ['To do', 'In progress', 'Done']
        .map((label) => document.querySelectorAll(`ul[aria-label="${label}"] > li`).length)
        .join();
      if (cards !== '0,0,0' && cards !== w.mounts.at(-1)) w.mounts.push(cards);
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`/projects/${project.id}`);
  await expect(page.locator('.board').getByRole('link')).toHaveCount(PAGE_SIZE + 2 * OTHERS);
  const mounts = await page.evaluate(() => (window as unknown as { mounts: string[] }).mounts);
  expect(mounts).toEqual(['10,5,5', '20,5,5', '30,5,5']);
  // While the first ten were all there was, the sentinel was in reach: it waited for the rest.
  await page.waitForTimeout(1_000);
  expect(cursors, 'no second page asked for').toEqual([]);
  await expect(page.getByRole('button', { name: 'Load more tasks in To do' })).toBeVisible();
});
