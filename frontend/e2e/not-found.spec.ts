// Issue 10, bug 7: a bad task address and a project one cannot open said "The request did not
// pass validation" with a "Try again" that could only fail again. They now say what is
// missing and offer the way back (docs/decisions/0076).
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { watchRequests } from './support/requests';

async function expectNotFound(page: Page, heading: string, back: string): Promise<void> {
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeFocused();
  await expect(page.getByText('did not pass validation')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: back })).toBeVisible();
}

test('a task address that is malformed or names no task says "Task not found"', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  await page.goto(`/projects/${project.id}/tasks/not-a-uuid`);
  await expectNotFound(page, 'Task not found', 'Back to the board');
  await expectAccessible(page, 'task not found');

  await page.goto(`/projects/${project.id}/tasks/${randomUUID()}`);
  await expectNotFound(page, 'Task not found', 'Back to the board');
  await page.getByRole('link', { name: 'Back to the board' }).click();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
});

test('a project that does not exist, or is not yours, says "Project not found"', async ({
  owner,
  stranger,
  expectAccessible,
}) => {
  const { page } = stranger;
  const streams = watchRequests(page, (request) => {
    const path = new URL(request.url()).pathname;
    return path.endsWith('/events') ? path : null;
  });
  for (const id of [randomUUID(), 'not-a-uuid', owner.project.id]) {
    await page.goto(`/projects/${id}`);
    await expectNotFound(page, 'Project not found', 'Go to your projects');
  }
  // The project's live stream is not opened for a project that cannot be read (or, refused,
  // asked again), and nothing takes the stranger away saying they were removed.
  await page.waitForTimeout(1_500);
  await expect(page.getByRole('heading', { name: 'Project not found', level: 1 })).toBeVisible();
  const own = streams.filter((path) => path === `/api/projects/${owner.project.id}/events`);
  expect(own.length).toBeLessThanOrEqual(1);
  await expectAccessible(page, 'project not found');
  await page.goto(`/projects/${randomUUID()}/tasks/${randomUUID()}`);
  await expectNotFound(page, 'Project not found', 'Go to your projects');
  await page.getByRole('link', { name: 'Go to your projects' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible();
});
