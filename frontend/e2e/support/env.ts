// Settings shared by the config, the global setup and the fixtures.

/** Debian's Chromium: Playwright downloads no browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium's flags for the tests and the Lighthouse runs: quiet, no background traffic. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Short access tokens, so the run crosses many expiries: every flow also exercises the
 * transparent refresh (and the refresh tests wait for one).
 */
export const ACCESS_TOKEN_TTL_SECONDS = 4;

/** The APP_* settings of the stack under test, on top of `taskapp-dev`'s own. */
export const STACK_ENV: Record<string, string> = {
  APP_ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS),
  // Every test signs up its own users through the edge, all from 127.0.0.1: about 60
  // sign-ups and log-ins a minute with two workers, over the per-IP default of 30 (which
  // also scales the refresh limit, x4). The per-account and per-user limits stay as they
  // are; the limits themselves are tested in the backend.
  APP_RATE_LIMIT_LOGIN_PER_IP: '1000',
};

export interface StackUrls {
  appUrl: string;
  awsUrl: string;
}

/** The running stack's addresses, set by global-setup.ts before the workers start. */
export function stackUrls(): StackUrls {
  const appUrl = process.env.E2E_APP_URL;
  const awsUrl = process.env.E2E_AWS_URL;
  if (!appUrl || !awsUrl) {
    throw new Error('E2E_APP_URL/E2E_AWS_URL are unset: run the tests with `npm run e2e`.');
  }
  return { appUrl, awsUrl };
}
