import type { components } from './schema';

export type ErrorBody = components['schemas']['ErrorBody'];

/** Any failed API call: the backend's one error shape, plus the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorBody['details'];

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details ?? null;
  }
}

function isErrorResponse(value: unknown): value is { error: ErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ErrorBody).code === 'string' &&
    typeof (error as ErrorBody).message === 'string'
  );
}

/** Turns an openapi-fetch result into data, or throws an ApiError with the API's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { response } = result;
  if (response.ok) return result.data as T;
  if (isErrorResponse(result.error)) throw new ApiError(response.status, result.error.error);
  throw new ApiError(response.status, {
    code: 'http_error',
    message:
      response.status >= 500
        ? 'The service is unavailable right now; try again shortly.'
        : `The request failed (HTTP ${response.status}).`,
    details: null,
  });
}

/** Field name -> message from a 422 (pydantic's `loc`) so forms can show them inline. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return {};
  const out: Record<string, string> = {};
  for (const item of error.details) {
    const loc = (item as { loc?: unknown }).loc;
    const msg = (item as { message?: unknown }).message;
    if (Array.isArray(loc) && typeof msg === 'string') {
      const field = String(loc[loc.length - 1]);
      out[field] ??= msg;
    }
  }
  return out;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/**
 * A page's data that does not exist for this user: a 404 (the API answers 404 for a project
 * one is not a member of, too), or an address whose id is malformed (a 422 about the path
 * only, e.g. /projects/<id>/tasks/not-a-uuid). Either way: "not found", with a way back.
 */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 404) return true;
  if (error.status !== 422 || !Array.isArray(error.details) || error.details.length === 0) {
    return false;
  }
  return error.details.every((item) => {
    const loc = (item as { loc?: unknown }).loc;
    return Array.isArray(loc) && loc[0] === 'path';
  });
}

/**
 * Whether "Try again" can help: the network, the server, a timeout or a rate limit may be
 * different next time; another client error (403, 404, 422...) will not.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status >= 500 || error.status === 408 || error.status === 429;
}
