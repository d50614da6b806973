import { describe, expect, it } from 'vitest';
import { assigneeFilter, boardQuery, ME, toggleMine } from './filters';

describe('assigneeFilter', () => {
  it('sends the signed-in user for "me", any other id as it is, and nothing for none', () => {
    expect(assigneeFilter(ME, 'u1')).toBe('u1');
    expect(assigneeFilter('u2', 'u1')).toBe('u2');
    expect(assigneeFilter(null, 'u1')).toBeUndefined();
    expect(assigneeFilter('', 'u1')).toBeUndefined();
  });
});

describe('toggleMine', () => {
  it('turns "My tasks" on from no filter or someone else, and off when it shows mine', () => {
    expect(toggleMine(undefined, 'u1')).toBe(ME);
    expect(toggleMine('u2', 'u1')).toBe(ME);
    expect(toggleMine('u1', 'u1')).toBeUndefined();
  });
});

describe('boardQuery', () => {
  it('reads the filters and sort of the address, leaving out what the API would refuse', () => {
    expect(boardQuery(new URLSearchParams(''), 'u1')).toEqual({
      filters: { status: undefined, priority: undefined, assigneeId: undefined, q: undefined },
      sort: 'position',
    });
    const query = boardQuery(
      new URLSearchParams('status=done&priority=high&assignee=me&q=plan&sort=-created_at'),
      'u1',
    );
    expect(query).toEqual({
      filters: { status: 'done', priority: 'high', assigneeId: 'u1', q: 'plan' },
      sort: '-created_at',
    });
    expect(boardQuery(new URLSearchParams('status=later&priority=x&sort=y&q='), 'u1')).toEqual({
      filters: { status: undefined, priority: undefined, assigneeId: undefined, q: undefined },
      sort: 'position',
    });
  });
});
