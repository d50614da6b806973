// Starts the real stack once per run; the function it returns is the global teardown, which
// Playwright runs whatever happens (failures, Ctrl-C). The addresses reach the workers through
// the environment (they start after this), read by `stackUrls()` in support/env.ts.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, STACK_ENV } from './support/env';
import { startStack } from './support/stack';

const frontend = join(dirname(fileURLToPath(import.meta.url)), '..');

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(join(frontend, 'dist', 'index.html'))) {
    throw new Error('frontend/dist is missing: run `npm run build` first.');
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  const started = Date.now();
  const stack = await startStack({ env: STACK_ENV });
  console.log(`stack up in ${Date.now() - started} ms: app ${stack.appUrl}, logs ${stack.logs}`);
  process.env.E2E_APP_URL = stack.appUrl;
  process.env.E2E_AWS_URL = stack.awsUrl;
  process.env.E2E_STACK_LOGS = stack.logs;
  return () => stack.stop();
}
