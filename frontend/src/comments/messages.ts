/** Comment errors as sentences (issue 11): the rate limit (429) and refused text (422). */
import { ApiError, messageOf } from '../api/errors';

/** What to tell the user when a comment could not be saved or deleted. */
export function commentErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      return 'You are commenting too fast: at most 30 comments a minute. Wait a moment and try again.';
    }
    if (error.status === 422 && Array.isArray(error.details) && error.details.length > 0) {
      const details = error.details
        .map((d) => (d as { message?: unknown }).message)
        .filter((m): m is string => typeof m === 'string');
      return details.length > 0 ? `${error.message}: ${details.join('; ')}` : error.message;
    }
    if (error.status === 404) return 'This comment or task no longer exists.';
  }
  return messageOf(error);
}
