import { describe, expect, it } from 'vitest';
import { activeFilterCount } from './FilterBar';

describe('activeFilterCount', () => {
  it('counts the filters folded behind the toggle, not the search box in sight', () => {
    expect(activeFilterCount({})).toBe(0);
    expect(activeFilterCount({ q: 'venue' })).toBe(0);
    expect(activeFilterCount({ status: 'todo', priority: 'high' })).toBe(2);
    expect(activeFilterCount({ status: 'done', priority: 'low', assigneeId: 'u1', q: 'x' })).toBe(
      3,
    );
  });
});
