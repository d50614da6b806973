import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test('an export runs, is polled to done and downloads as CSV', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  // A comma in a title: the CSV must quote it.
  const titles = ['Brief, rewritten', 'Design the logo', 'Book the venue'];
  for (const title of titles) await owner.api.createTask(project.id, { title });

  await page.goto(`/projects/${project.id}/export`);
  await page.getByRole('button', { name: 'Start export' }).click();
  await expect(page.getByTestId('export-status')).toBeVisible();
  await expect(page.getByRole('link', { name: /Download CSV \(3 tasks\)/ })).toBeVisible({
    timeout: 60_000,
  });
  await expectAccessible(page, 'export (done)');

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /Download CSV/ }).click();
  const download = await downloading;
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv).toContain('"Brief, rewritten"');
  expect(csv).toContain('Design the logo');
  expect(csv).toContain('Book the venue');
});
