import { createApi } from './client';

/** The app's one API client and session (the generated client is the only way to call the API). */
export const { api, session } = createApi();
// The silent refresh on load: the session cookie, if any, gives this tab its access token.
void session.start();

export { BROWSER_HEADERS } from './client';
export { ApiError, fieldErrors, isNotFound, isRetryable, messageOf, unwrap } from './errors';
export type { components } from './schema';
