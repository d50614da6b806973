import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');

test('page responses carry the security and cache headers of the edge policy', async ({
  page,
  stack,
}) => {
  const expected = JSON.parse(
    readFileSync(join(repo, 'infra/modules/edge/security_headers.json'), 'utf8'),
  ) as Record<string, string>;
  const response = await page.goto('/login');
  expect(response).not.toBeNull();
  const headers = response?.headers() ?? {};
  for (const [name, value] of Object.entries(expected)) {
    expect(headers[name.toLowerCase()], name).toBe(value.replace('{s3_origin}', stack.awsUrl));
  }
  expect(headers['cache-control']).toBe('no-cache');

  const script = await page.locator('script[type="module"]').getAttribute('src');
  expect(script, 'content-hashed entry script').toMatch(/^\/assets\/index-[\w-]{8,}\.js$/);
  const asset = await page.request.get(script ?? '');
  expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(asset.headers()['x-content-type-options']).toBe('nosniff');

  const api = await page.request.get('/api/auth/me');
  expect(api.status()).toBe(401);
  expect(api.headers()['x-frame-options']).toBe('DENY');
  const body = (await api.json()) as { error: { code: string } };
  expect(body.error.code).not.toBe('');
});
