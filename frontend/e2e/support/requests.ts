// Counting the requests a page makes, for tests whose claim is "this costs N requests".
import type { Page, Request } from '@playwright/test';

/**
 * What the page requests from now on, one entry per request `entryOf` names (null: not
 * watched), in the order sent. A request answered 401 is taken out again when that answer
 * arrives: the page refreshes its access token and sends the same request once more (the
 * tokens live 4 s here, support/env.ts, so any test can meet an expiry). Counted when sent, not
 * when answered, so "nothing was sent" holds even for a request still in flight.
 */
export function watchRequests(page: Page, entryOf: (request: Request) => string | null): string[] {
  const seen: string[] = [];
  const sent: Request[] = [];
  page.on('request', (request) => {
    const entry = entryOf(request);
    if (entry === null) return;
    seen.push(entry);
    sent.push(request);
  });
  page.on('response', (response) => {
    if (response.status() !== 401) return;
    const index = sent.indexOf(response.request());
    if (index === -1) return;
    seen.splice(index, 1);
    sent.splice(index, 1);
  });
  return seen;
}
