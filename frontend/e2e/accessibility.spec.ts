// docs/decisions/0072: the flows scan the states they reach (errors, conflicts, read-only);
// this test makes sure each of the eight main pages is scanned, whatever the flows do.
import { expect, test } from './fixtures';

test('axe: no serious or critical violation on the eight main pages', async ({
  page,
  owner,
  expectAccessible,
}) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Log in', level: 1 })).toBeVisible();
  await expectAccessible(page, 'login');
  await page.goto('/signup');
  await expect(page.getByRole('heading', { name: 'Create an account', level: 1 })).toBeVisible();
  await expectAccessible(page, 'sign-up');

  const { project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Design the logo' });
  const views = [
    ['projects', '/', 'Projects'],
    ['board', `/projects/${project.id}`, 'Board'],
    ['task detail', `/projects/${project.id}/tasks/${task.id}`, task.title],
    ['members', `/projects/${project.id}/members`, 'Members'],
    ['export', `/projects/${project.id}/export`, 'Export'],
    ['account', '/account', 'Your account'],
  ] as const;
  for (const [state, path, heading] of views) {
    await owner.page.goto(path);
    await expect(owner.page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await expectAccessible(owner.page, state);
  }
});
