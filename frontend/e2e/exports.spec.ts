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
  await owner.api.createTask(project.id, { title: 'Résumé à revoir', assignee_id: owner.id });

  await page.goto(`/projects/${project.id}/export`);
  await page.getByRole('button', { name: 'Start export' }).click();
  await expect(page.getByTestId('export-status')).toBeVisible();
  await expect(page.getByRole('link', { name: /Download CSV \(4 tasks\)/ })).toBeVisible({
    timeout: 60_000,
  });
  await expectAccessible(page, 'export (done)');

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /Download CSV/ }).click();
  const download = await downloading;
  // Named after the project and the day, not its UUID (docs/decisions/0082).
  const slug = project.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^${slug}-tasks-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  );
  const bytes = readFileSync(await download.path());
  // A UTF-8 byte order mark, so Excel on Windows shows "Résumé", not "RÃ©sumÃ©".
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csv = bytes.subarray(3).toString('utf8');
  const [header, ...rows] = csv.trim().split('\r\n');
  expect(header).toBe(
    'id,title,description,status,priority,assignee,assignee_email,due_date,created_at,updated_at',
  );
  const assigned = rows.find((row) => row.includes('Résumé à revoir')) ?? '';
  expect(assigned).toContain(`,${owner.name},${owner.email},`);
  expect(assigned).toMatch(
    /,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
  );
  expect(csv).toContain('"Brief, rewritten"');
  expect(csv).toContain('Design the logo');
  expect(csv).toContain('Book the venue');
});
