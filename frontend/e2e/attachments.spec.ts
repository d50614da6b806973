import { closeSync, mkdirSync, openSync, readFileSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, type Owner, test } from './fixtures';
import type { Schemas, Task } from './support/api';
import { watchRequests } from './support/requests';

/** 300 kB that no codec or proxy would leave unchanged by accident. */
function sampleBytes(): Buffer {
  const bytes = Buffer.alloc(300_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  return bytes;
}

/** Creates an empty file; its path. */
function openAndClose(path: string): string {
  closeSync(openSync(path, 'w'));
  return path;
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
  // Delete asks first (issue 10, bug 7); Cancel keeps the file and gives focus back.
  await page.getByRole('button', { name: 'Delete notes.csv…' }).click();
  const confirm = page.getByRole('button', { name: 'Yes, delete notes.csv' });
  await expect(confirm).toBeFocused();
  await expect(page.getByText('This cannot be undone.')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Delete notes.csv…' })).toBeFocused();
  await expect(page.getByRole('button', { name: 'Download notes.csv' })).toBeVisible();
  expect((await request.get(link.url)).status(), 'nothing deleted on Cancel').toBe(200);
  await page.getByRole('button', { name: 'Delete notes.csv…' }).click();
  await confirm.click();
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

test('a file over the limit is refused as soon as it is chosen, in MB', async ({
  owner,
  expectAccessible,
}, testInfo) => {
  const { page } = owner;
  const { path } = await taskWithPage(owner);
  await page.goto(path);
  await expect(page.getByText('No attachments.')).toBeVisible();
  await expect(page.getByText('Up to 25 MB.')).toBeVisible();
  const apiCalls = watchRequests(page, (r) =>
    r.method() === 'POST' && r.url().includes('/attachments') ? r.url() : null,
  );
  const file = page.getByLabel('File', { exact: true });
  // On disk (a sparse file), so the browser reads it itself: 26 MB through the protocol
  // would take seconds.
  const big = testInfo.outputPath('video.mp4');
  mkdirSync(dirname(big), { recursive: true });
  truncateSync(openAndClose(big), 26 * 1024 * 1024 + 1);
  await file.setInputFiles(big);
  // Before Upload is pressed, in human units.
  const error = page.getByRole('alert').filter({ hasText: 'video.mp4' });
  await expect(error).toHaveText('video.mp4 is 26 MB; files can be at most 25 MB.');
  await expect(page.getByText(/bytes|26214400/)).toHaveCount(0);
  await expect(file).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'task detail (file too big)');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(error).toBeVisible();
  expect(apiCalls, 'nothing sent for a file over the limit').toEqual([]);

  // Another, acceptable file clears the message.
  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: sampleBytes() });
  await expect(error).toHaveCount(0);
  await expect(file).not.toHaveAttribute('aria-invalid', 'true');
});
