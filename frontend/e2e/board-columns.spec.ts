// Issue 10, bugs 1 to 3: each column loads its own tasks; the counts follow the filters;
// "Clear filters" clears the search box; search matches the beginnings of words.
import { expect, type Owner, test } from './fixtures';
import type { Task, TaskCreate } from './support/api';
import { watchRequests } from './support/requests';

/** The board's page size per column (src/tasks/hooks.ts). */
const PAGE_SIZE = 30;

/** Created 16 at a time, in the order given (so later ones are newer). */
async function seed(owner: Owner, tasks: (Partial<TaskCreate> & { title: string })[]) {
  const created: Task[] = [];
  for (let start = 0; start < tasks.length; start += 16) {
    const batch = tasks.slice(start, start + 16);
    created.push(
      ...(await Promise.all(batch.map((task) => owner.api.createTask(owner.project.id, task)))),
    );
  }
  return created;
}

const column = (owner: Owner, name: string) =>
  owner.page.getByRole('region', { name: new RegExp(`^${name} `) });

test('10 open tasks under 120 newer done ones show in their columns (bug 1)', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  const open = Array.from({ length: 10 }, (_, i) => ({
    title: `Open task ${String(i + 1).padStart(2, '0')}`,
    status: i < 6 ? ('todo' as const) : ('in_progress' as const),
  }));
  const done = Array.from({ length: 120 }, (_, i) => ({
    title: `Done task ${String(i + 1).padStart(3, '0')}`,
    status: 'done' as const,
  }));
  await seed(owner, [...open, ...done]);
  const asked = watchRequests(page, (request) => {
    const url = new URL(request.url());
    if (url.pathname !== `/api/projects/${project.id}/tasks`) return null;
    return `${url.searchParams.get('status')}:${url.searchParams.get('cursor') ?? ''}`;
  });
  await page.goto(`/projects/${project.id}`);

  await expect(page.getByRole('list', { name: 'To do' }).getByRole('link')).toHaveCount(6);
  await expect(page.getByRole('list', { name: 'In progress' }).getByRole('link')).toHaveCount(4);
  const doneCards = page.getByRole('list', { name: 'Done' }).getByRole('link');
  await expect(doneCards).toHaveCount(PAGE_SIZE);
  for (const [label, count] of [
    ['To do', 6],
    ['In progress', 4],
    ['Done', 120],
  ] as const) {
    await expect(page.getByRole('heading', { name: `${label} ${count} tasks` })).toBeVisible();
  }
  // Each column asked for its own first page, by status; only "Done" has more.
  expect(asked.sort()).toEqual(['done:', 'in_progress:', 'todo:']);
  await expect(page.getByRole('button', { name: /Load more tasks/ })).toHaveCount(1);
  await expectAccessible(page, 'board (columns loaded separately)');

  // The keyboard loads the rest of "Done"; focus lands on that column's heading at the end.
  const more = page.getByRole('button', { name: /Load(ing)? more tasks.* in Done/ });
  await more.focus();
  await expect(async () => {
    await page.keyboard.press('Enter');
    await expect(more).toHaveCount(0, { timeout: 1_000 });
  }).toPass();
  await expect(doneCards).toHaveCount(120);
  await expect(page.getByRole('heading', { name: 'Done 120 tasks' })).toBeFocused();
  const titles = await doneCards.allTextContents();
  expect(new Set(titles).size, 'no task twice').toBe(120);
  expect(titles.sort()).toEqual(done.map((t) => t.title));
  await expect(page.getByRole('list', { name: 'To do' }).getByRole('link')).toHaveCount(6);
});

test('the counts follow the filters (bug 2)', async ({ owner }) => {
  const { page, project } = owner;
  await seed(owner, [
    { title: 'Urgent todo', priority: 'urgent' },
    { title: 'Calm todo', priority: 'low' },
    { title: 'Urgent doing', priority: 'urgent', status: 'in_progress' },
    { title: 'Calm doing', status: 'in_progress' },
    { title: 'Urgent done', priority: 'urgent', status: 'done' },
    { title: 'Calm done', status: 'done' },
    { title: 'Calm done too', status: 'done' },
  ]);
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole('heading', { name: 'Done 3 tasks' })).toBeVisible();
  await page.getByLabel('Priority').selectOption('urgent');
  for (const label of ['To do', 'In progress', 'Done']) {
    await expect(page.getByRole('heading', { name: `${label} 1 tasks` })).toBeVisible();
    await expect(page.getByRole('list', { name: label }).getByRole('link')).toHaveCount(1);
  }
  await page.getByLabel('Search').fill('calm');
  await expect(page).toHaveURL(/q=calm/);
  await page.getByLabel('Priority').selectOption('');
  await expect(page.getByRole('heading', { name: 'Done 2 tasks' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'To do 1 tasks' })).toBeVisible();
  await expect(column(owner, 'Done').getByRole('link')).toHaveCount(2);
});

test('search matches word beginnings; "Clear filters" clears the search box (bug 3)', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  await seed(owner, [
    { title: 'Clean the home page' },
    { title: 'Homework', status: 'done' },
    { title: 'Fix login' },
  ]);
  await page.goto(`/projects/${project.id}`);
  const search = page.getByLabel('Search');
  await search.fill('hom');
  await expect(page).toHaveURL(/q=hom/);
  await expect(page.getByRole('link', { name: 'Clean the home page' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Homework' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Fix login' })).toHaveCount(0);

  await search.fill('zzz');
  await expect(page.getByText('No tasks match these filters.')).toBeVisible();
  await expectAccessible(page, 'board (nothing matches)');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(search).toHaveValue('');
  await expect(search).toBeFocused();
  await expect(page.getByRole('link', { name: 'Fix login' })).toBeVisible();
  // It stays cleared: nothing writes the old search back after the debounce.
  await page.waitForTimeout(600);
  await expect(search).toHaveValue('');
  expect(new URL(page.url()).searchParams.has('q')).toBe(false);

  // Text typed but not yet sent is dropped too; the sort is not a filter and stays.
  await page.getByLabel('Sort by').selectOption('created_at');
  await page.getByLabel('Priority').selectOption('urgent');
  await search.fill('fix');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(search).toHaveValue('');
  await page.waitForTimeout(600);
  expect([...new URL(page.url()).searchParams.keys()]).toEqual(['sort']);
  await expect(page.getByRole('button', { name: 'Clear filters' })).toHaveCount(0);

  // Back to a search in the history: the box shows it.
  await search.fill('login');
  await expect(page).toHaveURL(/q=login/);
  await page.goto(`/projects/${project.id}?q=home`);
  await expect(search).toHaveValue('home');
});
