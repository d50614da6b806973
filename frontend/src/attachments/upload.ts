import type { PresignedPost } from '../api/types';
import { LIMITS } from '../lib/validation';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** The part of XMLHttpRequest an upload uses (so tests can pass a fake). */
export interface XhrLike {
  open(method: string, url: string): void;
  send(body: FormData): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  upload: { onprogress: ((event: ProgressEvent) => void) | null };
  onload: ((event: ProgressEvent) => void) | null;
  onerror: ((event: ProgressEvent) => void) | null;
  onabort: ((event: ProgressEvent) => void) | null;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** The multipart body S3 expects for a presigned POST: every policy field, then `file` last. */
export function presignedForm(post: PresignedPost, file: Blob, filename: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  form.append('file', file, filename);
  return form;
}

/** S3 explains a refusal in XML (<Message>…</Message>); pull out the sentence. */
export function s3ErrorMessage(status: number, body: string): string {
  const match = /<Message>([^<]*)<\/Message>/.exec(body);
  if (match?.[1]) return `Storage refused the file: ${match[1]}`;
  if (status === 0) return 'The upload could not reach storage; check your connection.';
  return `Storage refused the file (HTTP ${status}).`;
}

/**
 * Uploads a file straight to S3 with a presigned POST, reporting progress. XMLHttpRequest,
 * not fetch: only XHR reports upload progress in every browser.
 */
export function uploadToS3(
  post: PresignedPost,
  file: Blob,
  filename: string,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
  makeXhr: () => XhrLike = () => new XMLHttpRequest(),
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = makeXhr();
    xhr.open('POST', post.url);
    xhr.upload.onprogress = (event) => {
      const total = event.lengthComputable ? event.total : file.size;
      onProgress({ loaded: Math.min(event.loaded, total), total });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ loaded: file.size, total: file.size });
        resolve();
      } else {
        reject(new UploadError(s3ErrorMessage(xhr.status, xhr.responseText), xhr.status));
      }
    };
    xhr.onerror = () => reject(new UploadError(s3ErrorMessage(0, ''), 0));
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', 0));
    if (signal) {
      if (signal.aborted) {
        reject(new UploadError('The upload was cancelled.', 0));
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(presignedForm(post, file, filename));
  });
}

/** A size as people read it: 512 B, 293 KB, 1.5 MB, 25 MB (binary units, as the API's limit). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(0);
  return `${shown} ${units[unit]}`;
}

/** The API's largest attachment (AttachmentCreate.size_bytes; a unit test checks it). */
export const MAX_ATTACHMENT_BYTES = LIMITS.attachmentBytes.max;

/**
 * What is wrong with a chosen file before anything is sent, in the words the form shows as
 * soon as the file is chosen (the API checks the same bounds again).
 */
export function checkFile(file: { name: string; size: number }): string | undefined {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_ATTACHMENT_BYTES) {
    const limit = formatBytes(MAX_ATTACHMENT_BYTES);
    const size = formatBytes(file.size);
    // A file a few bytes over would otherwise read "is 25 MB; at most 25 MB".
    const shown = size === limit ? `just over ${limit}` : size;
    return `${file.name} is ${shown}; files can be at most ${limit}.`;
  }
  if ([...file.name].length > LIMITS.filename.max) {
    return `The file name is too long (at most ${LIMITS.filename.max} characters).`;
  }
  return undefined;
}
