import { describe, expect, it } from 'vitest';
import { ApiError, isNotFound, isRetryable } from './errors';

const error = (status: number, code: string, details: unknown = null) =>
  new ApiError(status, { code, message: 'm', details: details as ApiError['details'] });

describe('what a failed page load means (issue 10, bug 7)', () => {
  it('a 404 is "not found"', () => {
    expect(isNotFound(error(404, 'not_found'))).toBe(true);
  });

  it('a malformed id in the address (422 on the path only) is "not found" too', () => {
    const badTaskId = error(422, 'validation_error', [
      { loc: ['path', 'task_id'], message: 'Input should be a valid UUID', type: 'uuid_parsing' },
    ]);
    expect(isNotFound(badTaskId)).toBe(true);
  });

  it('other validation errors, server errors and non-API errors are not', () => {
    const badBody = error(422, 'validation_error', [
      { loc: ['body', 'title'], message: 'too long', type: 'string_too_long' },
    ]);
    expect(isNotFound(badBody)).toBe(false);
    expect(isNotFound(error(422, 'validation_error', null))).toBe(false);
    expect(isNotFound(error(422, 'validation_error', []))).toBe(false);
    expect(isNotFound(error(403, 'forbidden'))).toBe(false);
    expect(isNotFound(error(503, 'service_unavailable'))).toBe(false);
    expect(isNotFound(new Error('offline'))).toBe(false);
  });

  it('offers "Try again" only where trying again can help', () => {
    expect(isRetryable(error(503, 'service_unavailable'))).toBe(true);
    expect(isRetryable(error(500, 'http_error'))).toBe(true);
    expect(isRetryable(error(429, 'rate_limited'))).toBe(true);
    expect(isRetryable(error(408, 'http_error'))).toBe(true);
    expect(isRetryable(new TypeError('Failed to fetch'))).toBe(true); // the network
    expect(isRetryable(error(404, 'not_found'))).toBe(false);
    expect(isRetryable(error(422, 'validation_error'))).toBe(false);
    expect(isRetryable(error(403, 'forbidden'))).toBe(false);
  });
});
