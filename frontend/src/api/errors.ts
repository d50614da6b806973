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
