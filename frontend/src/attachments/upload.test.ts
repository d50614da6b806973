import { describe, expect, it } from 'vitest';
import { formatBytes, presignedForm, s3ErrorMessage, uploadToS3, type XhrLike } from './upload';

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
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(s3ErrorMessage(403, 'nothing useful')).toBe('Storage refused the file (HTTP 403).');
  });
});
