import { createApi } from './client';

function browserStorage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the session lives in memory only
  }
}

/** The app's one API client and session (the generated client is the only way to call the API). */
export const { api, session } = createApi({ storage: browserStorage() });
export { ApiError, fieldErrors, messageOf, unwrap } from './errors';
export type { components } from './schema';
