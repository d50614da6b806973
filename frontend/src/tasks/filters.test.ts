import { describe, expect, it } from 'vitest';
import { assigneeFilter, ME, toggleMine } from './filters';

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
