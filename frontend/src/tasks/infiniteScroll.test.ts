import { describe, expect, it, vi } from 'vitest';
import { type ObserverFactory, shouldFetchNextPage, watchSentinel } from './infiniteScroll';

/** A stand-in IntersectionObserver the test drives by hand. */
function fakeObserver() {
  const instances: {
    callback: IntersectionObserverCallback;
    options: IntersectionObserverInit | undefined;
    observed: Element[];
    disconnected: boolean;
  }[] = [];
  class Fake {
    state: (typeof instances)[number];
    constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
      this.state = { callback, options, observed: [], disconnected: false };
      instances.push(this.state);
    }
    observe(node: Element) {
      this.state.observed.push(node);
    }
    disconnect() {
      this.state.disconnected = true;
    }
  }
  const report = (index: number, ...intersecting: boolean[]) => {
    const instance = instances[index];
    if (!instance) throw new Error(`no observer ${index}`);
    const entries = intersecting.map((isIntersecting) => ({ isIntersecting }));
    instance.callback(entries as IntersectionObserverEntry[], {} as IntersectionObserver);
  };
  return { Observer: Fake as unknown as ObserverFactory, instances, report };
}

const node = {} as Element;

describe('shouldFetchNextPage', () => {
  it('fetches only when there is a next page and none is loading', () => {
    expect(shouldFetchNextPage({ hasNextPage: true, isFetchingNextPage: false })).toBe(true);
    expect(shouldFetchNextPage({ hasNextPage: true, isFetchingNextPage: true })).toBe(false);
    expect(shouldFetchNextPage({ hasNextPage: false, isFetchingNextPage: false })).toBe(false);
  });
});

describe('watchSentinel', () => {
  it('observes the node with a margin and calls back only when it is in view', () => {
    const { Observer, instances, report } = fakeObserver();
    const onVisible = vi.fn();
    watchSentinel(node, onVisible, { Observer });
    expect(instances[0]?.observed).toEqual([node]);
    expect(instances[0]?.options).toEqual({ rootMargin: '200px' });
    report(0, false);
    expect(onVisible).not.toHaveBeenCalled();
    report(0, false, true);
    expect(onVisible).toHaveBeenCalledTimes(1);
  });

  it('stops when cleaned up, and a new watch reports a sentinel still in view', () => {
    const { Observer, instances, report } = fakeObserver();
    const onVisible = vi.fn();
    const stop = watchSentinel(node, onVisible, { Observer });
    report(0, true); // the first page's sentinel is seen: page 2 is fetched
    stop(); // the board stops watching while page 2 loads ...
    expect(instances[0]?.disconnected).toBe(true);
    watchSentinel(node, onVisible, { Observer }); // ... and watches again once it is in
    report(1, true); // the observer's first report: still in view, so fetch page 3
    expect(onVisible).toHaveBeenCalledTimes(2);
  });

  it('does nothing without IntersectionObserver (the button still works)', () => {
    const stop = watchSentinel(node, vi.fn(), { Observer: null });
    expect(() => stop()).not.toThrow();
  });
});
