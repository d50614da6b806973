import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  type ChangeEvent,
  countsToRefresh,
  DEFAULT_RETRY_MS,
  decideChange,
  MAX_BACKOFF_MS,
  parseChange,
  type TabView,
} from './live';

const ME = 'user-me';
const THEM = 'user-them';

function tab(versions: Record<string, number> = {}, writing: string[] = []): TabView {
  return {
    me: ME,
    versionOf: (id) => versions[id],
    writing: (id) => writing.includes(id),
  };
}

const updated = (version: number, actor = THEM): ChangeEvent => ({
  kind: 'task.updated',
  task_id: 't1',
  version,
  actor_id: actor,
});

describe('parseChange', () => {
  it('reads the task and member events the backend publishes', () => {
    expect(
      parseChange('{"kind":"task.updated","task_id":"t1","version":3,"actor_id":"u"}'),
    ).toEqual({ kind: 'task.updated', task_id: 't1', version: 3, actor_id: 'u' });
    expect(parseChange('{"kind":"member.removed","user_id":"u"}')).toEqual({
      kind: 'member.removed',
      user_id: 'u',
    });
  });

  it('ignores what it does not know: other kinds, missing fields, not JSON', () => {
    expect(parseChange('{"kind":"project.renamed"}')).toBeNull();
    expect(parseChange('{"kind":"task.updated","task_id":"t1"}')).toBeNull();
    expect(
      parseChange('{"kind":"task.updated","task_id":"t1","version":"3","actor_id":"u"}'),
    ).toBeNull();
    expect(parseChange('not json')).toBeNull();
    expect(parseChange('null')).toBeNull();
  });
});

describe('decideChange', () => {
  it("ignores this user's own change when the tab already has that version", () => {
    expect(decideChange(updated(4, ME), tab({ t1: 4 }))).toEqual({
      kind: 'none',
      why: 'have-version',
    });
  });

  it("reads this user's change made elsewhere (another tab) when the tab has an older version", () => {
    expect(decideChange(updated(4, ME), tab({ t1: 3 }))).toEqual({
      kind: 'fetch-task',
      taskId: 't1',
      created: false,
    });
  });

  it("reads someone else's change: that one task, never the board", () => {
    expect(decideChange(updated(4), tab({ t1: 3 }))).toEqual({
      kind: 'fetch-task',
      taskId: 't1',
      created: false,
    });
    // A task the tab has never seen (on a page not loaded) is read too: it may belong here now.
    expect(decideChange(updated(4), tab())).toMatchObject({ kind: 'fetch-task' });
  });

  it('ignores an event older than what the tab has (a resumed stream replays it)', () => {
    expect(decideChange(updated(4), tab({ t1: 6 }))).toMatchObject({ kind: 'none' });
  });

  it('leaves a task alone while this tab moves or saves it (its answer is written instead)', () => {
    expect(decideChange(updated(4), tab({ t1: 3 }, ['t1']))).toEqual({
      kind: 'none',
      why: 'own-write-in-flight',
    });
  });

  it('reads a created task, saying so (the counts are read again)', () => {
    const created: ChangeEvent = {
      kind: 'task.created',
      task_id: 't9',
      version: 1,
      actor_id: THEM,
    };
    expect(decideChange(created, tab())).toEqual({
      kind: 'fetch-task',
      taskId: 't9',
      created: true,
    });
  });

  it('forgets a deleted task, except one this user deleted that the tab no longer has', () => {
    const deleted = (actor: string): ChangeEvent => ({
      kind: 'task.deleted',
      task_id: 't1',
      version: 3,
      actor_id: actor,
    });
    expect(decideChange(deleted(THEM), tab({ t1: 3 }))).toEqual({
      kind: 'forget-task',
      taskId: 't1',
    });
    expect(decideChange(deleted(THEM), tab())).toMatchObject({ kind: 'forget-task' });
    expect(decideChange(deleted(ME), tab())).toMatchObject({ kind: 'none' });
    expect(decideChange(deleted(ME), tab({ t1: 3 }))).toMatchObject({ kind: 'forget-task' });
  });

  it('reads the members again on a membership change, noting one about this user', () => {
    expect(decideChange({ kind: 'member.joined', user_id: THEM }, tab())).toEqual({
      kind: 'members',
      mine: false,
    });
    expect(decideChange({ kind: 'member.changed', user_id: ME }, tab())).toEqual({
      kind: 'members',
      mine: true,
    });
  });
});

describe('countsToRefresh', () => {
  const at = { status: 'todo', priority: 'low', assignee_id: null };
  it('all counts for a task no cached list had (writeTask could not patch them)', () => {
    expect(countsToRefresh(undefined, at, false)).toBe('all');
  });
  it('none when only the status changed (writeTask moved the count) or nothing that counts', () => {
    expect(countsToRefresh(at, { ...at, status: 'done' }, false)).toBe('none');
  });
  it('the filtered counts when a filtered field or the searched text changed', () => {
    expect(countsToRefresh(at, { ...at, priority: 'high' }, false)).toBe('filtered');
    expect(countsToRefresh(at, { ...at, assignee_id: 'u' }, false)).toBe('filtered');
    expect(countsToRefresh(at, at, true)).toBe('filtered');
  });
});

describe('backoffDelay', () => {
  const low = () => 0;
  const high = () => 1;
  it("starts from the server's retry, half fixed and half random", () => {
    expect(backoffDelay(1, 2000, low)).toBe(1000);
    expect(backoffDelay(1, 2000, high)).toBe(2000);
  });
  it('doubles with each failure in a row', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 2000, high))).toEqual([2000, 4000, 8000, 16000]);
  });
  it('is capped, however long it fails', () => {
    expect(backoffDelay(5, 2000, high)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelay(1000, 2000, high)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelay(1000, 2000, low)).toBe(MAX_BACKOFF_MS / 2);
  });
  it('uses the default retry until the server sent one, and never waits less than half of it', () => {
    for (let i = 0; i < 50; i++) {
      const wait = backoffDelay(1);
      expect(wait).toBeGreaterThanOrEqual(DEFAULT_RETRY_MS / 2);
      expect(wait).toBeLessThanOrEqual(DEFAULT_RETRY_MS);
    }
  });
});
