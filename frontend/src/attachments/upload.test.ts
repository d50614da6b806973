import { describe, expect, it } from 'vitest';
import {
  checkFile,
  formatBytes,
  MAX_ATTACHMENT_BYTES,
  presignedForm,
  s3ErrorMessage,
  uploadToS3,
  type XhrLike,
} from './upload';

const post = {
  url: 'http://s3.test/bucket',
  fields: {
    key: 'attachments/a/b',
    policy: 'p',
    'x-amz-signature': 's',
    'Content-Type': 'text/plain',
  },
  expires_in: 300,
};

class FakeXhr implements XhrLike {
  static last: FakeXhr;
  status = 0;
  responseText = '';
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: ((event: ProgressEvent) => void) | null = null;
  onerror: ((event: ProgressEvent) => void) | null = null;
  onabort: ((event: ProgressEvent) => void) | null = null;
  opened: [string, string] | null = null;
  body: FormData | null = null;
  aborted = false;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.opened = [method, url];
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.({} as ProgressEvent);
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  finish(status: number, text = '') {
    this.status = status;
    this.responseText = text;
    this.onload?.({} as ProgressEvent);
  }
}

const file = new Blob(['hello world'], { type: 'text/plain' });

describe('presignedForm', () => {
  it('puts every policy field first and the file last', () => {
    const form = presignedForm(post, file, 'notes.txt');
    const names = [...form.keys()];
    expect(names).toEqual(['key', 'policy', 'x-amz-signature', 'Content-Type', 'file']);
    expect((form.get('file') as File).name).toBe('notes.txt');
  });
});

describe('uploadToS3', () => {
  it('POSTs to the presigned URL and reports progress up to the full size', async () => {
    const seen: number[] = [];
    const done = uploadToS3(
      post,
      file,
      'notes.txt',
      (p) => seen.push(p.loaded),
      undefined,
      () => new FakeXhr(),
    );
    const xhr = FakeXhr.last;
    expect(xhr.opened).toEqual(['POST', 'http://s3.test/bucket']);
    xhr.progress(4, 11);
    xhr.progress(11, 11);
    xhr.finish(204);
    await done;
    expect(seen).toEqual([4, 11, 11]);
    expect([...(xhr.body?.keys() ?? [])].at(-1)).toBe('file');
  });

  it("rejects with S3's own message when storage refuses the file", async () => {
    const done = uploadToS3(
      post,
      file,
      'n.txt',
      () => {},
      undefined,
      () => new FakeXhr(),
    );
    FakeXhr.last.finish(
      400,
      '<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>',
    );
    await expect(done).rejects.toThrow('Storage refused the file: Your proposed upload exceeds');
  });

  it('rejects on a network error and on cancel', async () => {
    const failed = uploadToS3(
      post,
      file,
      'n.txt',
      () => {},
      undefined,
      () => new FakeXhr(),
    );
    FakeXhr.last.onerror?.({} as ProgressEvent);
    await expect(failed).rejects.toThrow('could not reach storage');
    const controller = new AbortController();
    const cancelled = uploadToS3(
      post,
      file,
      'n.txt',
      () => {},
      controller.signal,
      () => new FakeXhr(),
    );
    controller.abort();
    await expect(cancelled).rejects.toThrow('cancelled');
    expect(FakeXhr.last.aborted).toBe(true);
  });
});

describe('helpers', () => {
  it('formats sizes and S3 errors', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(300_000)).toBe('293 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatBytes(26_214_400)).toBe('25 MB');
    expect(s3ErrorMessage(403, 'nothing useful')).toBe('Storage refused the file (HTTP 403).');
  });
});

describe('a chosen file is checked at once, in human units (issue 10, bug 7)', () => {
  const file = (size: number, name = 'notes.csv') => ({ name, size });

  it('accepts a file up to the API maximum of 25 MB', () => {
    expect(MAX_ATTACHMENT_BYTES).toBe(26_214_400);
    expect(checkFile(file(1))).toBeUndefined();
    expect(checkFile(file(MAX_ATTACHMENT_BYTES))).toBeUndefined();
  });

  it('refuses a bigger file, saying both sizes in MB rather than bytes', () => {
    const message = checkFile(file(30 * 1024 * 1024, 'video.mp4'));
    expect(message).toBe('video.mp4 is 30 MB; files can be at most 25 MB.');
    expect(message).not.toMatch(/bytes|26214400/);
  });

  it('does not call a file just over the limit "25 MB"', () => {
    expect(checkFile(file(MAX_ATTACHMENT_BYTES + 1, 'a.bin'))).toBe(
      'a.bin is just over 25 MB; files can be at most 25 MB.',
    );
  });

  it('refuses an empty file and a name longer than the API takes', () => {
    expect(checkFile(file(0))).toBe('The file is empty.');
    expect(checkFile(file(10, `${'n'.repeat(252)}.txt`))).toMatch(/at most 255 characters/);
    expect(checkFile(file(10, `${'é'.repeat(251)}.txt`))).toBeUndefined();
  });
});
