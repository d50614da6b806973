import { describe, expect, it } from 'vitest';
import { type Activity, activitySentence, taskTitles, timeAgo } from './sentences';

const names: Record<string, string> = { a: 'Alice', b: 'Bob', c: 'Carol' };
const ctx = { nameOf: (id: string) => names[id] };

function entry(kind: Activity['kind'], changes: Activity['changes'] = {}, actor = 'a'): Activity {
  return {
    id: 'e1',
    project_id: 'p',
    task_id: 't',
    actor_id: actor,
    kind,
    target_id: null,
    changes,
    created_at: '2026-12-01T10:00:00Z',
  };
}

describe('activitySentence', () => {
  it('says a move with the column names', () => {
    expect(
      activitySentence(
        entry('task.updated', { status: { before: 'todo', after: 'in_progress' } }),
        ctx,
      ),
    ).toBe('Alice moved it from To do to In progress');
  });
  it('names the changed fields', () => {
    expect(
      activitySentence(entry('task.updated', { title: { before: 'A', after: 'B' } }, 'b'), ctx),
    ).toBe('Bob changed the title');
    expect(
      activitySentence(
        entry('task.updated', {
          title: { before: 'A', after: 'B' },
          priority: { before: 'low', after: 'high' },
          status: { before: 'todo', after: 'done' },
        }),
        ctx,
      ),
    ).toBe('Alice changed the title, the priority and the status');
  });
  it('says comments without their text, and moderation', () => {
    expect(activitySentence(entry('comment.created', {}, 'c'), ctx)).toBe('Carol added a comment');
    expect(
      activitySentence(entry('comment.deleted', { author_id: { before: 'b', after: null } }), ctx),
    ).toBe('Alice deleted a comment by Bob');
    expect(
      activitySentence(entry('comment.deleted', { author_id: { before: 'a', after: null } }), ctx),
    ).toBe('Alice deleted a comment');
  });
  it('names the task in the feed, "You" and deleted accounts', () => {
    const created = entry('task.created', { title: { before: null, after: 'Write the brief' } });
    expect(activitySentence(created, { ...ctx, withTask: true })).toBe(
      'Alice created “Write the brief”',
    );
    expect(activitySentence(created, { ...ctx, me: 'a' })).toBe('You created this task');
    expect(activitySentence({ ...created, actor_id: null }, ctx)).toBe(
      'A deleted account created this task',
    );
  });
});

describe('taskTitles', () => {
  it('names a commented task in the feed from its other entries', () => {
    const created = entry('task.created', { title: { before: null, after: 'Write the brief' } });
    const comment = { ...entry('comment.created', {}, 'c'), id: 'e2' };
    const titles = taskTitles([comment, created]);
    expect(
      activitySentence(comment, { ...ctx, withTask: true, titleOf: (id) => titles.get(id) }),
    ).toBe('Carol added a comment on “Write the brief”');
  });
});

describe('timeAgo', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  it('reads like a person would say it', () => {
    expect(timeAgo('2026-12-01T09:59:50Z', now)).toBe('just now');
    expect(timeAgo('2026-12-01T09:55:00Z', now)).toBe('5 min ago');
    expect(timeAgo('2026-12-01T07:00:00Z', now)).toBe('3 h ago');
    expect(timeAgo('2026-11-28T10:00:00Z', now)).toBe('3 days ago');
  });
});
