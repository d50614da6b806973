import { expect, test } from './fixtures';
import type { Task } from './support/api';
import { holdLiveUpdates } from './support/live';
import { moveWithButton } from './support/moves';

const titles = ['Write the launch brief', 'Design the logo', 'Book the venue'] as const;
type TaskList = { items: Task[] };

test('the owner creates tasks (validation, then the API)', async ({ owner, expectAccessible }) => {
  const { page, project } = owner;
  for (const [i, title] of titles.entries()) {
    await page.goto(`/projects/${project.id}/tasks/new`);
    if (i === 0) {
      await page.getByRole('button', { name: 'Create task' }).click();
      await expect(page.getByText('Enter a title.')).toBeVisible();
      await expectAccessible(page, 'new task (with errors)');
    }
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill(`Details about ${title.toLowerCase()}.`);
    await page.getByLabel('Priority').selectOption(i === 1 ? 'high' : 'medium');
    await page.getByRole('button', { name: 'Create task' }).click();
    await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  }
  await page.goto(`/projects/${project.id}`);
  for (const title of titles) await expect(page.getByRole('link', { name: title })).toBeVisible();
  const { items } = await owner.api.json<TaskList>('GET', `/projects/${project.id}/tasks`);
  expect(items.map((t) => [t.title, t.priority, t.status]).sort()).toEqual(
    [
      [titles[0], 'medium', 'todo'],
      [titles[1], 'high', 'todo'],
      [titles[2], 'medium', 'todo'],
    ].sort(),
  );
});

test('the owner moves a task to another column', async ({ owner, expectAccessible }) => {
  const { page, project } = owner;
  const tasks: Task[] = [];
  for (const title of titles) tasks.push(await owner.api.createTask(project.id, { title }));
  await page.goto(`/projects/${project.id}`);
  await moveWithButton(page, titles[0], 'In progress');
  await expect(
    page.getByRole('list', { name: 'In progress' }).getByRole('link', { name: titles[0] }),
  ).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'To do' }).getByRole('link', { name: titles[0] }),
  ).toHaveCount(0);
  await expectAccessible(page, 'board');
  await expect
    .poll(async () => {
      const task = await owner.api.json<Task>(
        'GET',
        `/projects/${project.id}/tasks/${tasks[0]?.id}`,
      );
      return task.status;
    })
    .toBe('in_progress');
});

test('search, filter and sort narrow the board', async ({ owner }) => {
  const { page, project } = owner;
  // One after the other, so creation order is the order of `titles`.
  await owner.api.createTask(project.id, { title: titles[0], status: 'in_progress' });
  await owner.api.createTask(project.id, { title: titles[1], priority: 'high' });
  await owner.api.createTask(project.id, { title: titles[2] });
  await page.goto(`/projects/${project.id}`);
  for (const title of titles) await expect(page.getByRole('link', { name: title })).toBeVisible();

  await page.getByLabel('Search').fill('logo');
  await expect(page).toHaveURL(/q=logo/);
  await expect(page.getByRole('link', { name: titles[1] })).toBeVisible();
  await expect(page.getByRole('link', { name: titles[2] })).toHaveCount(0);
  await page.getByLabel('Search').fill('');
  await expect(page).not.toHaveURL(/q=/);

  await page.getByLabel('Priority').selectOption('high');
  await expect(page.getByRole('link', { name: titles[0] })).toHaveCount(0);
  await expect(page.getByRole('link', { name: titles[1] })).toBeVisible();
  await page.getByLabel('Priority').selectOption('');

  await page.getByLabel('Sort by').selectOption('created_at');
  await expect(page).toHaveURL(/sort=created_at/);
  await expect(page.getByRole('list', { name: 'To do' }).getByRole('link')).toHaveText([
    titles[1],
    titles[2],
  ]);
});

test('the owner deletes a task (after confirming); it is gone everywhere', async ({ owner }) => {
  const { page, project } = owner;
  const doomed = await owner.api.createTask(project.id, { title: 'Backlog item 01' });
  await owner.api.createTask(project.id, { title: 'Backlog item 02' });
  await owner.api.createTask(project.id, { title: 'Backlog item 03', status: 'done' });
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole('heading', { name: 'To do 2 tasks', level: 2 })).toBeVisible();

  await page.getByRole('link', { name: doomed.title }).click();
  await expect(page.getByRole('heading', { name: doomed.title, level: 1 })).toBeVisible();
  const taskPath = new URL(page.url()).pathname;
  await page.getByRole('button', { name: 'Delete task…' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: doomed.title, level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Delete task…' }).click();
  await page.getByRole('button', { name: 'Yes, delete this task' }).click();
  // The panel closes onto the board.
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}$`));
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Backlog item 03' })).toBeVisible();
  await expect(page.getByRole('link', { name: doomed.title })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'To do 1 tasks', level: 2 })).toBeVisible();
  expect((await owner.api.send('GET', taskPath)).status()).toBe(404);
  await page.goto(taskPath);
  await expect(page.getByRole('heading', { name: 'Task not found' })).toBeVisible();
});

test('an edit made elsewhere meanwhile is a conflict the user can reload', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: titles[0] });
  const path = `/projects/${project.id}/tasks/${task.id}`;
  // The change must not reach the form before the save (as when its live update is late).
  await holdLiveUpdates(page, project.id);
  await page.goto(path);
  const panel = page.getByRole('dialog', { name: titles[0] });
  await expect(panel.getByRole('heading', { name: titles[0], level: 1 })).toBeVisible();
  // Another client (the same account, its own session) changes the task after the form opened.
  await owner.api.json(
    'PATCH',
    path,
    { title: 'Brief, rewritten' },
    { 'If-Match': `"${task.version}"` },
  );

  await panel.getByRole('button', { name: 'Edit description' }).click();
  await panel.getByLabel('Description').fill('My own edit.');
  await panel.getByRole('button', { name: 'Save description' }).click();
  // The same account: named "you (in another tab or device)" when the API says who changed it.
  await expect(
    page.getByText(
      /^(Someone else|You \(in another tab or device\)) changed this task after you opened it/,
    ),
  ).toBeVisible();
  await expectAccessible(page, 'task detail (edit conflict)');
  await page.getByRole('button', { name: 'Reload the latest version' }).click();
  const reloaded = page.getByRole('dialog', { name: 'Brief, rewritten' });
  await expect(reloaded.getByRole('heading', { name: 'Brief, rewritten', level: 1 })).toBeVisible();
  // What the user typed is still there.
  await expect(reloaded.getByLabel('Description')).toHaveValue('My own edit.');
  await reloaded.getByLabel('Description').fill('My own edit, again.');
  await reloaded.getByRole('button', { name: 'Save description' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  const saved = await owner.api.json<Task>('GET', path);
  expect([saved.title, saved.description]).toEqual(['Brief, rewritten', 'My own edit, again.']);
});
