import { readFileSync } from 'node:fs';
import { expect, type Owner, test } from './fixtures';
import type { Schemas, Task } from './support/api';

/** 300 kB that no codec or proxy would leave unchanged by accident. */
function sampleBytes(): Buffer {
  const bytes = Buffer.alloc(300_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  return bytes;
}

async function taskWithPage(owner: Owner): Promise<{ task: Task; path: string }> {
  const task = await owner.api.createTask(owner.project.id, { title: 'Write the launch brief' });
  return { task, path: `/projects/${owner.project.id}/tasks/${task.id}` };
}

test('a file uploads straight to S3 with progress and downloads back identical', async ({
  owner,
  stack,
  expectAccessible,
}) => {
  const { page } = owner;
  const { task, path } = await taskWithPage(owner);
  const bytes = sampleBytes();
  await page.goto(path);
  await expect(page.getByRole('heading', { name: task.title, level: 1 })).toBeVisible();
  await expect(page.getByText('No attachments.')).toBeVisible();
  await page
    .getByLabel('File', { exact: true })
    .setInputFiles({ name: 'notes.csv', mimeType: 'text/csv', buffer: bytes });
  const s3Post = page.waitForRequest(
    (r) => r.url().startsWith(stack.awsUrl) && r.method() === 'POST',
  );
  await page.getByRole('button', { name: 'Upload' }).click();
  await s3Post; // the bytes went to the storage origin, not through the API
  await expect(page.getByText('Uploaded notes.csv.')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Download notes.csv' })).toBeVisible();
  await expectAccessible(page, 'task detail (with an attachment)');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download notes.csv' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('notes.csv');
  expect(readFileSync(await download.path()).equals(bytes), 'downloaded bytes = uploaded').toBe(
    true,
  );
});

test('the owner deletes an attachment; its file is gone from storage', async ({
  owner,
  request,
}) => {
  const { page } = owner;
  const { path } = await taskWithPage(owner);
  // Seeded the way the app uploads: a ticket from the API, a presigned POST to S3, a confirm.
  const bytes = sampleBytes();
  const ticket = await owner.api.json<Schemas['UploadTicket']>('POST', `${path}/attachments`, {
    filename: 'notes.csv',
    content_type: 'text/csv',
    size_bytes: bytes.length,
  });
  const stored = await request.post(ticket.upload.url, {
    multipart: {
      ...ticket.upload.fields,
      file: { name: 'notes.csv', mimeType: 'text/csv', buffer: bytes },
    },
  });
  expect(stored.ok(), `S3 POST: ${stored.status()} ${await stored.text()}`).toBe(true);
  const attachment = ticket.attachment;
  await owner.api.json('POST', `${path}/attachments/${attachment.id}/confirm`);
  const link = await owner.api.json<Schemas['DownloadLink']>(
    'GET',
    `${path}/attachments/${attachment.id}/download`,
  );
  expect((await request.get(link.url)).status(), 'the link works before').toBe(200);

  await page.goto(path);
  await page.getByRole('button', { name: 'Delete notes.csv' }).click();
  await expect(page.getByText('No attachments.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download notes.csv' })).toHaveCount(0);
  const { items } = await owner.api.json<Schemas['AttachmentList']>('GET', `${path}/attachments`);
  expect(items).toEqual([]);
  const signed = await owner.api.send('GET', `${path}/attachments/${attachment.id}/download`);
  expect(signed.status(), 'the API no longer signs a download').toBe(404);
  // The object is removed right after the API's commit: the link signed before now fails
  // (S3 answers 403 rather than 404 for a missing key when the signer may not list).
  await expect
    .poll(async () => (await request.get(link.url)).status(), { timeout: 5_000 })
    .not.toBe(200);
  expect([403, 404], 'the presigned download link').toContain(
    (await request.get(link.url)).status(),
  );
});
