import { expect, test } from './fixtures';
import type { Project, Schemas } from './support/api';

type MemberList = Schemas['MemberList'];

test('a user creates a project and sees its empty board', async ({
  stranger: user,
  expectAccessible,
}) => {
  const { page } = user;
  await page.goto('/');
  await expect(page.getByText('No projects yet.')).toBeVisible();
  await page.getByLabel('Project name').fill('Launch plan');
  await page.getByLabel('Description (optional)').fill('Everything for the launch.');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await expect(page.getByText('No tasks yet.')).toBeVisible();
  await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
  await expectAccessible(page, 'board (empty)');
  const { items } = await user.api.json<{ items: Project[] }>('GET', '/projects');
  expect(items.map((p) => [p.name, p.description, p.role])).toEqual([
    ['Launch plan', 'Everything for the launch.', 'owner'],
  ]);
});

// Inviting, accepting and leaving: invitations.spec.ts.

test("the owner changes a member's role", async ({ owner, viewer }) => {
  const { page, project } = owner;
  await page.goto(`/projects/${project.id}/members`);
  const row = page.getByRole('row', { name: new RegExp(viewer.name) });
  // The PATCH may meet an expired token first (401), then succeed after the refresh.
  const saved = page.waitForResponse(
    (r) => r.url().includes(`/members/${viewer.id}`) && r.request().method() === 'PATCH' && r.ok(),
  );
  await row.getByRole('combobox').selectOption('member');
  await saved;
  await page.reload();
  await expect(row.getByRole('combobox')).toHaveValue('member');
  const { items } = await owner.api.json<MemberList>('GET', `/projects/${project.id}/members`);
  expect(items.find((m) => m.user_id === viewer.id)?.role).toBe('member');
});

test('the owner renames a project', async ({ owner, expectAccessible }) => {
  const { page, project } = owner;
  const renamed = `${project.name} (renamed)`;
  await page.goto(`/projects/${project.id}`);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Project name').fill(renamed);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(renamed, { exact: true })).toBeVisible();
  await expectAccessible(page, 'project settings');
  expect((await owner.api.json<Project>('GET', `/projects/${project.id}`)).name).toBe(renamed);
});

test('the owner deletes a project (after confirming)', async ({ owner }) => {
  const { page, project } = owner;
  await page.goto('/');
  await page.getByLabel('Project name').fill('Scratch');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  const scratch = new URL(page.url()).pathname;
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Delete project…' }).click();
  await page.getByRole('button', { name: 'Yes, delete “Scratch”' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: project.name })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Scratch' })).toHaveCount(0);
  expect((await owner.api.send('GET', scratch)).status()).toBe(404);
});

test('the owner removes a member; the removed user loses the project', async ({
  owner,
  member,
}) => {
  const { page, project } = owner;
  await member.page.goto('/');
  await expect(member.page.getByRole('link', { name: project.name })).toBeVisible();

  await page.goto(`/projects/${project.id}/members`);
  const row = page.getByRole('row', { name: new RegExp(member.name) });
  await expect(row).toBeVisible();
  await page.getByRole('button', { name: `Remove ${member.name}…` }).click();
  await page.getByRole('button', { name: 'Cancel' }).click(); // second thoughts
  await expect(row).toHaveCount(1);
  await page.getByRole('button', { name: `Remove ${member.name}…` }).click();
  await page.getByRole('button', { name: `Yes, remove ${member.name}` }).click();
  await expect(row).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('row', { name: new RegExp(owner.name) })).toBeVisible();
  await expect(row).toHaveCount(0);

  await member.page.goto('/');
  await expect(member.page.getByText('No projects yet.')).toBeVisible();
  await member.page.goto(`/projects/${project.id}`);
  await expect(member.page.getByRole('heading', { name: 'Project not found' })).toBeVisible();
});

test('the viewer sees the project but cannot change anything', async ({
  owner,
  viewer,
  expectAccessible,
}) => {
  const { page } = viewer;
  const { project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Design the logo' });

  await page.goto('/');
  await expect(page.getByRole('link', { name: project.name })).toBeVisible();
  await expectAccessible(page, 'projects (list)');
  await page.getByRole('link', { name: project.name }).click();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: task.title })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New task' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Add a task/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Move / })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await expectAccessible(page, 'board (viewer)');

  await page.getByRole('link', { name: task.title }).click();
  await expect(page.getByText('You are a viewer in this project')).toBeVisible();
  // A read view, not a disabled form (issue 10): the fields as text, nothing to type into.
  await expect(page.getByRole('term').filter({ hasText: 'Status' })).toBeVisible();
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Upload' })).toHaveCount(0);
  await expectAccessible(page, 'task detail (viewer)');
  // The task is a modal panel over the board: closed, the project's tabs are in reach again.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await page.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByText('Only owners can invite people')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Invite' })).toHaveCount(0);
  await expect(page.getByRole('combobox')).toHaveCount(0);
  await expectAccessible(page, 'members (viewer)');

  // The API agrees: a viewer cannot write.
  const write = await viewer.api.send('POST', `/projects/${project.id}/tasks`, {
    data: { title: 'Sneaked in' },
  });
  expect(write.status()).toBe(403);
});
