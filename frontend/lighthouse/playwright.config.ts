// `npm run lighthouse` (`make lighthouse`): run.ts through Playwright Test, the TypeScript
// tooling of the browser tests, so it reuses their stack and API helpers (e2e/support). One
// test, no retries; it prints its table, it asserts no score (see run.ts). `npm run figures`:
// figures.ts the same way (issue 10's closing figures).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  projects: [
    { name: 'lighthouse', testMatch: 'run.ts' },
    { name: 'figures', testMatch: 'figures.ts' },
  ],
  // Playwright's own artifacts (none on success); the reports go to test-results/lighthouse.
  outputDir: '../test-results/lighthouse-runner',
  workers: 1,
  retries: 0,
  timeout: 15 * 60_000,
  reporter: [['list']],
});
