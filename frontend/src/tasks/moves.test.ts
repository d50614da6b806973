import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Task, TaskPage } from '../api/types';
import { POSITION_GAP } from './board';
import { taskKeys } from './hooks';
import { moveToast } from './MoveNotice';
import { movedPosition, refetchRenumbered, writeTask } from './moves';
import { aTask } from './testing';

const task = (id: string, status: Task['status'], position: number): Task =>
  aTask(id, status, { position });

const G = POSITION_GAP;

function board() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const columns: Record<Task['status'], Task[]> = {
    todo: [task('a', 'todo', 0), task('b', 'todo', G), task('c', 'todo', 2 * G)],
    in_progress: [task('x', 'in_progress', 0), task('y', 'in_progress', G)],
    done: [],
  };
  for (const [status, items] of Object.entries(columns)) {
    queryClient.setQueryData(taskKeys.list('p', { status: status as Task['status'] }, 'position'), {
      pages: [{ items, next_cursor: null } satisfies TaskPage],
      pageParams: [null],
    });
  }
  const titles = (status: Task['status']) =>
    queryClient
      .getQueryData<{ pages: TaskPage[] }>(taskKeys.list('p', { status }, 'position'))
      ?.pages.flatMap((p) => p.items.map((t) => t.id));
  return { queryClient, columns, titles };
}

describe('moves in the board order', () => {
  it('expects the position the server will give, from the cached column', () => {
    const { queryClient, columns } = board();
    const [a, , c] = columns.todo as [Task, Task, Task];
    expect(movedPosition(queryClient, 'p', { task: c, to: 'todo', afterId: 'a' })).toBe(G / 2);
    expect(movedPosition(queryClient, 'p', { task: a, to: 'todo', afterId: null })).toBe(G - G);
    expect(movedPosition(queryClient, 'p', { task: c, to: 'in_progress', afterId: 'x' })).toBe(
      G / 2,
    );
    // A change of column without a place: the top, as the server does.
    expect(movedPosition(queryClient, 'p', { task: c, to: 'in_progress' })).toBe(-G);
    // Nothing placed: unchanged.
    expect(movedPosition(queryClient, 'p', { task: c, to: 'todo' })).toBe(2 * G);
  });

  it('the optimistic write puts the card at its new place at once; the rollback puts it back', () => {
    const { queryClient, columns, titles } = board();
    const c = columns.todo[2] as Task;
    writeTask(queryClient, 'p', { ...c, status: 'in_progress', position: G / 2 });
    expect(titles('todo')).toEqual(['a', 'b']);
    expect(titles('in_progress')).toEqual(['x', 'c', 'y']);
    writeTask(queryClient, 'p', c);
    expect(titles('todo')).toEqual(['a', 'b', 'c']);
    expect(titles('in_progress')).toEqual(['x', 'y']);
  });

  it('reads a column again when the answer shows the server renumbered it', () => {
    const queryClient = new QueryClient();
    const key = taskKeys.list('p', { status: 'todo' }, 'position');
    const tight = [task('a', 'todo', 5), task('b', 'todo', 6), task('c', 'todo', 7)];
    queryClient.setQueryData(key, {
      pages: [{ items: tight, next_cursor: null }],
      pageParams: [null],
    });
    // Placed after "a": where the cache expects it, nothing is read again.
    writeTask(queryClient, 'p', { ...(tight[2] as Task), position: 5.5 });
    refetchRenumbered(queryClient, 'p', { ...(tight[2] as Task), position: 5.5 }, 'a');
    expect(queryClient.getQueryState(key)?.isInvalidated).toBe(false);
    // The server's answer after a renumbering (a = G, b = 2G now): misplaced against the cache.
    const answer = { ...(tight[2] as Task), position: G + G / 2, version: 2 };
    writeTask(queryClient, 'p', answer);
    refetchRenumbered(queryClient, 'p', answer, 'a');
    expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true);
  });

  it('words a move within a column, its undo, and a neighbour moved meanwhile', () => {
    const b = task('b', 'todo', G);
    const undone: unknown[] = [];
    const toast = moveToast(
      { kind: 'moved', task: b, from: 'todo', undo: false, afterId: null, undoAfterId: 'a' },
      'me',
      () => null,
      (...args) => undone.push(args),
    );
    expect(toast.message).toBe('Moved “Task b” to the top of To do.');
    toast.action?.run();
    expect(undone).toEqual([[b, 'todo', 'a']]);
    expect(
      moveToast(
        { kind: 'moved', task: b, from: 'todo', undo: true },
        'me',
        () => null,
        () => {},
      ).message,
    ).toBe('Moved “Task b” back to its place in To do.');
    const neighbour = { ...task('a', 'done', 0), updated_by_id: 'u2' };
    expect(
      moveToast(
        { kind: 'neighbour', title: 'Task b', to: 'todo', neighbour },
        'me',
        (id) => (id === 'u2' ? 'Ada' : null),
        () => {},
      ).message,
    ).toBe(
      'Could not move “Task b” to To do: Ada moved “Task a”, the card it was to go after, to Done first. It is back where it was; move it again if you still want to.',
    );
  });
});
