// The project's live stream (GET /api/projects/{id}/events, issue 11, docs/decisions/0104).
import type { Page } from '@playwright/test';

/**
 * Holds the page's live stream of the project unanswered: the page shows what it read and
 * nothing more, as a tab whose update is late (or whose stream is down) would, so a test can
 * make it stale on purpose; and its token is not refreshed when the stream would end at its
 * expiry. Call before the page opens the project.
 */
export async function holdLiveUpdates(page: Page, projectId: string): Promise<void> {
  await page.route(`**/api/projects/${projectId}/events`, () => {});
}
