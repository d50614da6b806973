// The fixtures every spec uses (import { test, expect } from './fixtures'):
// - `owner`, `member`, `viewer`, `stranger`: a fresh user per test, signed up through the API,
//   each in a browser context of its own, already signed in; `owner.project` is a new project
//   the others joined with their role by accepting an invitation (the stranger belongs to none).
// - `newAccount()`: one more user (API session only), e.g. to log in through the form.
// - `expectAccessible(page, state)`: the axe gate of docs/decisions/0072.
// - every page of the test (the built-in `page` and the actors') is watched: an uncaught error
//   or a Content-Security-Policy violation fails the test.
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import {
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { ApiSession, type Project, type TokenPair } from './support/api';
import { type StackUrls, stackUrls } from './support/env';
import { signedInState, watchAccessToken } from './support/session';

export { expect };

export interface Account {
  id: string;
  email: string;
  name: string;
  password: string;
  /** A Node-side API session of this user, separate from the browser's. */
  api: ApiSession;
}

export interface Actor extends Account {
  /** A tab of its own browser context, signed in as this user. */
  page: Page;
}

export interface Owner extends Actor {
  project: Project;
}

type NewAccount = (name: string) => Promise<Account & { tokens: TokenPair }>;
type ExpectAccessible = (page: Page, state: string) => Promise<void>;

interface Fixtures {
  newAccount: NewAccount;
  owner: Owner;
  member: Actor;
  viewer: Actor;
  stranger: Actor;
  expectAccessible: ExpectAccessible;
  pageErrors: string[];
}

interface WorkerFixtures {
  stack: StackUrls;
}

const PASSWORD = 'e2e password 1234';

export const test = base.extend<Fixtures, WorkerFixtures>({
  stack: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures it needs from this pattern.
    async ({}, use) => {
      await use(stackUrls());
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ stack }, use) => {
    await use(stack.appUrl);
  },

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures it needs from this pattern.
  pageErrors: async ({}, use) => {
    const errors: string[] = [];
    await use(errors);
    expect(errors, 'uncaught page errors and Content-Security-Policy violations').toEqual([]);
  },
  context: async ({ context, pageErrors }, use) => {
    watchErrors(context, pageErrors);
    await use(context);
  },

  newAccount: async ({ request }, use, testInfo) => {
    let n = 0;
    await use(async (name) => {
      const slug = name.split(' ')[0]?.toLowerCase() ?? 'user';
      const email = `${slug}-${testInfo.workerIndex}-${n++}-${randomUUID().slice(0, 8)}@example.com`;
      const { user, tokens } = await ApiSession.signUp(request, {
        email,
        name,
        password: PASSWORD,
      });
      const api = new ApiSession(request, { email, password: PASSWORD });
      return { id: user.id, email, name, password: PASSWORD, api, tokens };
    });
  },

  owner: async ({ newAccount, browser, stack, pageErrors }, use) => {
    const { tokens, ...account } = await newAccount('Olivia Owner');
    const project = await account.api.createProject(
      `Launch plan ${randomUUID().slice(0, 6)}`,
      'Everything for the launch.',
    );
    const context = await signedInContext(browser, stack, tokens, pageErrors);
    await use({ ...account, project, page: await context.newPage() });
    await context.close();
  },
  member: async ({ owner, newAccount, browser, stack, pageErrors }, use) => {
    const { tokens, ...account } = await newAccount('Maya Member');
    const invitation = await owner.api.invite(owner.project.id, account.email, 'member');
    await account.api.acceptInvitation(invitation.link);
    const context = await signedInContext(browser, stack, tokens, pageErrors);
    await use({ ...account, page: await context.newPage() });
    await context.close();
  },
  viewer: async ({ owner, newAccount, browser, stack, pageErrors }, use) => {
    const { tokens, ...account } = await newAccount('Victor Viewer');
    const invitation = await owner.api.invite(owner.project.id, account.email, 'viewer');
    await account.api.acceptInvitation(invitation.link);
    const context = await signedInContext(browser, stack, tokens, pageErrors);
    await use({ ...account, page: await context.newPage() });
    await context.close();
  },
  stranger: async ({ newAccount, browser, stack, pageErrors }, use) => {
    const { tokens, ...account } = await newAccount('Sam Stranger');
    const context = await signedInContext(browser, stack, tokens, pageErrors);
    await use({ ...account, page: await context.newPage() });
    await context.close();
  },

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures it needs from this pattern.
  expectAccessible: async ({}, use, testInfo) => {
    await use((page, state) => scanA11y(page, state, testInfo));
  },
});

/**
 * A browser context signed in the way the app signs in (docs/decisions/0074): the refresh
 * token of the account's sign-up as the HttpOnly session cookie of the site, scoped to
 * /api/auth, as the backend sets it. Each tab starts with the app's silent refresh, so every
 * tab (and every reload) of the context is signed in, and they share one session.
 */
async function signedInContext(
  browser: Browser,
  stack: StackUrls,
  tokens: TokenPair,
  pageErrors: string[],
): Promise<BrowserContext> {
  expect(tokens.refresh_token, 'a refresh token in the sign-up body').toBeTruthy();
  const context = await browser.newContext({
    storageState: signedInState(stack.appUrl, tokens.refresh_token ?? ''),
  });
  watchErrors(context, pageErrors);
  return context;
}

function watchErrors(context: BrowserContext, errors: string[]): void {
  const watch = (page: Page) => {
    watchAccessToken(page);
    page.on('pageerror', (error) => errors.push(`${page.url()}: ${error}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        errors.push(`${page.url()}: ${message.text()}`);
      }
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
}

const FAILING_IMPACTS = new Set(['serious', 'critical']);

/**
 * docs/decisions/0072: axe (injected by @axe-core/playwright through DevTools evaluation, which
 * the Content-Security-Policy does not govern) must find no serious or critical violation,
 * colour contrast included. A soft assertion, so the flow goes on and a finding hides nothing
 * after it. Lesser findings, and contrast axe could not decide, are printed, not failed.
 */
async function scanA11y(page: Page, state: string, testInfo: TestInfo): Promise<void> {
  const { violations, incomplete } = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations', 'incomplete'] })
    .analyze();
  type Finding = (typeof violations)[number];
  const failing = violations.filter((v) => FAILING_IMPACTS.has(v.impact ?? ''));
  const lesser = violations.filter((v) => !FAILING_IMPACTS.has(v.impact ?? ''));
  const unsure = incomplete.filter((v) => v.id === 'color-contrast');
  const summary = (v: Finding, impact = v.impact ?? 'unknown') => `${impact} ${v.id} (${v.help})`;
  const elements = (v: Finding) =>
    v.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`);
  await testInfo.attach(`axe ${state}`, {
    body: JSON.stringify({ violations, incomplete: unsure }, null, 2),
    contentType: 'application/json',
  });
  for (const line of [
    ...lesser.map((v) => summary(v)),
    ...unsure.map((v) => summary(v, 'unsure')),
  ]) {
    console.log(`(not failing) axe on "${state}": ${line}`);
  }
  expect
    .soft(
      failing.map((v) => [summary(v), ...elements(v)].join('\n')),
      `axe: serious or critical violations on "${state}"`,
    )
    .toEqual([]);
}
