import { describe, expect, it } from 'vitest';
import { decideChange, parseChange } from './live';

describe('comment events on the live stream', () => {
  it('are parsed, and mean: read that task’s comments and history again', () => {
    const change = parseChange(
      '{"kind":"comment.created","task_id":"t1","comment_id":"c1","actor_id":"u"}',
    );
    expect(change).toEqual({
      kind: 'comment.created',
      task_id: 't1',
      comment_id: 'c1',
      actor_id: 'u',
    });
    if (!change) throw new Error('not parsed');
    expect(decideChange(change, { me: 'me', versionOf: () => 3, writing: () => false })).toEqual({
      kind: 'comments',
      taskId: 't1',
    });
  });
  it('without a comment id are not', () => {
    expect(parseChange('{"kind":"comment.deleted","task_id":"t1"}')).toBeNull();
  });
});
