// The project's live stream (GET /api/projects/{id}/events, issue 11, docs/decisions/0104).
import { expect, type Page } from '@playwright/test';

/**
 * Holds the page's live stream of the project unanswered: the page shows what it read and
 * nothing more, as a tab whose update is late (or whose stream is down) would, so a test can
 * make it stale on purpose; and its token is not refreshed when the stream would end at its
 * expiry. Call before the page opens the project.
 */
export async function holdLiveUpdates(page: Page, projectId: string): Promise<void> {
  await page.route(`**/api/projects/${projectId}/events`, () => {});
}

/** Marks the document, so a test can tell the page was never reloaded or navigated away from. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { liveMark: string }).liveMark = 'still this document';
  });
}

export async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { liveMark?: string }).liveMark)).toBe(
    'still this document',
  );
}
