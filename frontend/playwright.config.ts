// Browser tests (e2e/*.spec.ts) against the real local stack, through the local edge exactly as
// users reach CloudFront, in Debian's Chromium (no browser download). See the README's "Test".
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/env';

export default defineConfig({
  testDir: './e2e',
  testMatch: '*.spec.ts',
  // Traces and failure screenshots, one folder per failed test (kept only on failure).
  outputDir: './test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  // Each test makes its own users and projects, so tests run in any order, in parallel.
  fullyParallel: true,
  // Two cores run the stack and the browsers: more workers only queue for the CPU.
  workers: Number(process.env.E2E_WORKERS ?? 2),
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // No HTML report: the list closes with Playwright's own summary ("N passed").
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    viewport: { width: 1280, height: 900 },
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
