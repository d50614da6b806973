// The issue "The board a team would choose", its proof: screenshots of the board, the task
// panel and the members page at three sizes, written on every run to
// frontend/test-results/screenshots/<view>-<width>x<height>.png (outside Playwright's outputDir,
// test-results/e2e, which it empties at each run; gitignored). They are for people to look at;
// what could break on its own is asserted: the view's heading, its content, no horizontal
// scrolling.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { type Actor, expect, type Owner, test } from './fixtures';
import type { Task, TaskCreate } from './support/api';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots');

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
  { width: 390, height: 844 },
] as const;

/** A date `days` from today (negative: in the past), as the API takes it (YYYY-MM-DD). */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

type Seed = Partial<TaskCreate> & { title: string; assignee?: 'owner' | 'member' };

/** A board as a team has it a few weeks into a launch: 12 tasks in the three columns. */
const BOARD: Seed[] = [
  { title: 'Book the venue for the launch party', priority: 'urgent', due_date: day(-3) },
  { title: 'Write the press release', priority: 'high', due_date: day(4), assignee: 'member' },
  { title: 'Pick the caterer', priority: 'medium', due_date: day(12) },
  { title: 'Order the banners and the roll-up stands', priority: 'low' },
  {
    title: 'Draft the customer email announcing the new pricing plans and what changes for them',
    priority: 'high',
    due_date: day(-1),
    assignee: 'owner',
    description: 'Two versions: existing customers and trials.',
  },
  { title: 'Update the FAQ', priority: 'low', due_date: day(20) },
  {
    title: 'Design the landing page',
    status: 'in_progress',
    priority: 'urgent',
    due_date: day(1),
    assignee: 'member',
  },
  {
    title: 'Record the demo video',
    status: 'in_progress',
    priority: 'high',
    due_date: day(-2),
    assignee: 'owner',
  },
  { title: 'Set up the analytics dashboard', status: 'in_progress', priority: 'medium' },
  { title: 'Choose the launch date', status: 'done', priority: 'high', assignee: 'owner' },
  { title: 'Agree on the budget', status: 'done', priority: 'medium', due_date: day(-10) },
  { title: 'Reserve the domain name', status: 'done', priority: 'low' },
];

/** Seeds the board (created in order, so the board's order is stable); the first task's id. */
async function seedBoard(owner: Owner, member: Actor): Promise<Task> {
  const tasks: Task[] = [];
  for (const { assignee, ...seed } of BOARD) {
    const assignee_id = assignee === 'owner' ? owner.id : assignee === 'member' ? member.id : null;
    tasks.push(await owner.api.createTask(owner.project.id, { ...seed, assignee_id }));
  }
  const task = tasks[0];
  if (!task) throw new Error('no task seeded');
  await owner.api.json('POST', `/projects/${owner.project.id}/tasks/${task.id}/comments`, {
    body: 'The **Riverside hall** is free on the 14th; I asked for a quote. Any objection?',
  });
  await member.api.json('POST', `/projects/${owner.project.id}/tasks/${task.id}/comments`, {
    body: 'None from me, the terrace is a plus.',
  });
  return task;
}

/** No horizontal scrolling: the document is no wider than the window. */
async function expectNoOverflow(page: Page, view: string): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.scrollingElement?.scrollWidth ?? 0,
    inner: window.innerWidth,
  }));
  expect(widths.scroll, `horizontal overflow on the ${view}`).toBeLessThanOrEqual(widths.inner);
}

async function shoot(page: Page, view: string): Promise<void> {
  const size = page.viewportSize();
  const path = join(SHOTS, `${view}-${size?.width}x${size?.height}.png`);
  // The fonts and the last layout settle before the picture (no animation mid-way).
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  console.log(`screenshot: ${path}`);
}

for (const size of SIZES) {
  test(`board, task panel and members page at ${size.width}x${size.height}`, async ({
    owner,
    member,
    viewer,
  }) => {
    mkdirSync(SHOTS, { recursive: true });
    const { page, project } = owner;
    await page.setViewportSize(size);
    const task = await seedBoard(owner, member);

    await page.goto(`/projects/${project.id}`);
    await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
    await expect(page.locator('.task-card')).toHaveCount(BOARD.length);
    await expect(page.getByRole('img', { name: 'Overdue' }).first()).toBeVisible();
    await expectNoOverflow(page, 'board');
    await shoot(page, 'board');

    // Today a page; soon a panel over the board, at the same address.
    await page.goto(`/projects/${project.id}/tasks/${task.id}`);
    await expect(page.getByRole('heading', { name: task.title, exact: true })).toBeVisible();
    await expect(page.getByText('None from me, the terrace is a plus.')).toBeVisible();
    await expectNoOverflow(page, 'task panel');
    await shoot(page, 'task');

    await page.goto(`/projects/${project.id}/members`);
    await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible();
    await expect(page.getByRole('row', { name: new RegExp(viewer.name) })).toBeVisible();
    await expect(page.getByRole('row', { name: new RegExp(member.name) })).toBeVisible();
    await expectNoOverflow(page, 'members page');
    await shoot(page, 'members');
  });
}
