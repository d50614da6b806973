import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from './hooks';

// Read as a file: Vitest hands CSS modules to tests empty.
const styles = readFileSync(new URL('../styles.css', import.meta.url), 'utf8');

/** The selectors of the rules that give `declaration` (comments left out). */
function selectorsWith(css: string, declaration: RegExp): string[] {
  const rules = css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^{}]*)\}/g);
  return [...rules]
    .filter(([, , body]) => declaration.test(body ?? ''))
    .map(([, selector]) => (selector ?? '').trim());
}

describe('the cards that skip layout off-screen (ADR 0109)', () => {
  it('are the ones a column loaded after its first page, never the first page', () => {
    // Chrome's autofill forces one layout per form control inside a skipped card: with every
    // card skipped, a first load of 90 cards cost a task of 100-240 ms (issue 10).
    expect(selectorsWith(styles, /content-visibility:\s*auto/)).toEqual([
      `.task-list > .task-card:nth-child(n + ${PAGE_SIZE + 1})`,
    ]);
  });
});
