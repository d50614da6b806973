/** What the board knows about the pages after the ones it has loaded. */
export interface NextPageState {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
}

/**
 * Whether to fetch the next page now: only when there is one and none is on its way, so a
 * sentinel that is seen (or a button pressed) while a page loads does not ask twice.
 */
export function shouldFetchNextPage(state: NextPageState): boolean {
  return state.hasNextPage && !state.isFetchingNextPage;
}

type Observer = Pick<IntersectionObserver, 'observe' | 'disconnect'>;
export type ObserverFactory = new (
  callback: IntersectionObserverCallback,
  options?: IntersectionObserverInit,
) => Observer;

/**
 * Calls `onVisible` when `node` comes within `rootMargin` of the viewport. Observing starts
 * afresh on every call, and an IntersectionObserver reports the current state as soon as it
 * observes, so watching again after each page loads also fetches the next page when the
 * sentinel is still in view (a tall screen, a short page). Returns the function that stops
 * watching; without IntersectionObserver it does nothing (the "Load more" button remains).
 */
export function watchSentinel(
  node: Element,
  onVisible: () => void,
  {
    rootMargin = '200px',
    Observer = typeof IntersectionObserver === 'undefined' ? null : IntersectionObserver,
  }: { rootMargin?: string; Observer?: ObserverFactory | null } = {},
): () => void {
  if (!Observer) return () => {};
  const observer = new Observer(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) onVisible();
    },
    { rootMargin },
  );
  observer.observe(node);
  return () => observer.disconnect();
}
