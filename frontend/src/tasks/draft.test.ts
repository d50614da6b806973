import { describe, expect, it } from 'vitest';
import { listOfFields, mergeAfterConflict } from './draft';
import type { TaskValues } from './TaskForm';

const base: TaskValues = {
  title: 'Write the brief',
  description: 'First draft.',
  status: 'todo',
  priority: 'medium',
  assigneeId: '',
  dueDate: '',
};

describe('mergeAfterConflict', () => {
  it('keeps what the user typed, takes theirs elsewhere, and shows theirs where both changed', () => {
    const draft = { ...base, title: 'Write the brief today', description: 'Mine.' };
    const latest = { ...base, title: 'Write the launch brief', priority: 'urgent' as const };
    expect(mergeAfterConflict(base, draft, latest)).toEqual({
      values: { ...base, title: 'Write the brief today', description: 'Mine.', priority: 'urgent' },
      kept: ['title', 'description'],
      theirs: { title: 'Write the launch brief' },
    });
  });

  it('shows nothing beside a field both changed the same way', () => {
    const same = { ...base, status: 'done' as const };
    expect(mergeAfterConflict(base, same, same)).toEqual({
      values: same,
      kept: ['status'],
      theirs: {},
    });
  });

  it('with nothing typed, is the latest version', () => {
    const latest = { ...base, title: 'New' };
    expect(mergeAfterConflict(base, base, latest)).toEqual({
      values: latest,
      kept: [],
      theirs: {},
    });
  });
});

describe('listOfFields', () => {
  it('names the fields in a sentence', () => {
    expect(listOfFields(['title'])).toBe('Title');
    expect(listOfFields(['title', 'description'])).toBe('Title and Description');
    expect(listOfFields(['title', 'status', 'dueDate'])).toBe('Title, Status and Due date');
  });
});
