import { describe, expect, it } from 'vitest';
import {
  announcements,
  type BoardOrder,
  type DragPlaces,
  dropOrder,
  landing,
  moveAcross,
  nextColumn,
  ordinal,
  placement,
  statusOf,
} from './dragAndDrop';

const rect = (left: number, top: number, width: number, height: number) => ({
  left,
  top,
  width,
  height,
  right: left + width,
  bottom: top + height,
});

describe('nextColumn', () => {
  const side = [
    { id: 'todo', rect: rect(0, 0, 300, 900) },
    { id: 'in_progress', rect: rect(320, 0, 300, 400) },
    { id: 'done', rect: rect(640, 0, 300, 400) },
  ];
  it('side by side: right and left go to the nearest column on that side', () => {
    const [todo, doing, done] = side;
    expect(nextColumn('ArrowRight', todo?.rect ?? rect(0, 0, 0, 0), side.slice(1))?.id).toBe(
      'in_progress',
    );
    expect(nextColumn('ArrowLeft', done?.rect ?? rect(0, 0, 0, 0), side.slice(0, 2))?.id).toBe(
      'in_progress',
    );
    expect(
      nextColumn(
        'ArrowDown',
        doing?.rect ?? rect(0, 0, 0, 0),
        [todo, done].flatMap((c) => (c ? [c] : [])),
      ),
    ).toBeUndefined();
  });

  it('stacked (a phone): down and up', () => {
    const stacked = [
      { id: 'todo', rect: rect(0, 0, 360, 500) },
      { id: 'in_progress', rect: rect(0, 510, 360, 100) },
      { id: 'done', rect: rect(0, 620, 360, 100) },
    ];
    expect(nextColumn('ArrowDown', rect(0, 0, 360, 500), stacked.slice(1))?.id).toBe('in_progress');
    expect(nextColumn('ArrowUp', rect(0, 620, 360, 100), stacked.slice(0, 2))?.id).toBe(
      'in_progress',
    );
    expect(nextColumn('ArrowRight', rect(0, 0, 360, 500), stacked.slice(1))).toBeUndefined();
    expect(nextColumn('KeyA', rect(0, 0, 360, 500), stacked.slice(1))).toBeUndefined();
  });
});

describe('the order while dragging, and the place a drop asks for', () => {
  const board: BoardOrder = { todo: ['a', 'b', 'c', 'd', 'e'], in_progress: ['x', 'y'], done: [] };

  it('within a column, the card takes the place of the card it is dropped on', () => {
    expect(dropOrder(board, 'c', 'a').todo).toEqual(['c', 'a', 'b', 'd', 'e']);
    expect(dropOrder(board, 'a', 'c').todo).toEqual(['b', 'c', 'a', 'd', 'e']);
    expect(dropOrder(board, 'c', 'c')).toBe(board);
    expect(dropOrder(board, 'c', 'todo')).toBe(board);
    expect(dropOrder(board, 'c', 'x')).toBe(board);
  });

  it('asks for the card above the drop place, null at the top', () => {
    expect(placement(dropOrder(board, 'c', 'a'), 'c')).toEqual({ to: 'todo', afterId: null });
    expect(placement(dropOrder(board, 'a', 'c'), 'a')).toEqual({ to: 'todo', afterId: 'c' });
    expect(placement(dropOrder(board, 'a', 'e'), 'a')).toEqual({ to: 'todo', afterId: 'e' });
    expect(placement(board, 'nobody')).toBeUndefined();
  });

  it('into another column: before the card it is over, after it when below, top of a column', () => {
    expect(moveAcross(board, 'c', 'in_progress', 'y', false).in_progress).toEqual(['x', 'c', 'y']);
    const below = moveAcross(board, 'c', 'in_progress', 'x', true);
    expect(below.in_progress).toEqual(['x', 'c', 'y']);
    expect(below.todo).toEqual(['a', 'b', 'd', 'e']);
    expect(placement(below, 'c')).toEqual({ to: 'in_progress', afterId: 'x' });
    expect(moveAcross(board, 'c', 'done', undefined, false).done).toEqual(['c']);
    expect(placement(moveAcross(board, 'c', 'done', undefined, false), 'c')).toEqual({
      to: 'done',
      afterId: null,
    });
    expect(moveAcross(board, 'c', 'todo', 'a', false)).toBe(board);
  });

  it('says where a card is: column, position from 1, count; ordinals', () => {
    expect(landing(board, 'c')).toEqual({ status: 'todo', position: 3, count: 5 });
    expect(landing(board, 'nobody')).toBeUndefined();
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
    ]);
  });
});

describe('announcements', () => {
  const task = {
    id: '5f0c',
    project_id: 'p',
    title: 'Write the brief',
    description: '',
    status: 'todo' as const,
    priority: 'medium' as const,
    assignee_id: null,
    due_date: null,
    version: 1,
    created_at: '2030-01-01T00:00:00Z',
    updated_at: '2030-01-01T00:00:00Z',
  };
  const active = {
    id: task.id,
    data: { current: { task } },
    rect: { current: { initial: null, translated: null } },
  };
  const over = (id: string) => ({
    id,
    rect: rect(0, 0, 1, 1),
    disabled: false,
    data: { current: undefined },
  });

  const places = (ordered: boolean, order: BoardOrder, dropped?: BoardOrder): DragPlaces => ({
    ordered,
    origin: (id) => landing(order, id),
    landing: (id, overId) => {
      if (dropped) return landing(dropped, id);
      const column = statusOf(overId);
      if (column && !order[column].includes(String(id)))
        return { status: column, position: 1, count: 0 };
      return landing(dropOrder(order, id, overId), id);
    },
  });
  const column: BoardOrder = { todo: ['a', 'b', task.id, 'c', 'd'], in_progress: [], done: [] };

  it('under another sort: name the task and the columns, never the ids', () => {
    const say = announcements(() => places(false, column));
    expect(say.onDragStart({ active })).toBe(
      'Picked up Write the brief, in To do. The sort sets the order within a column: only the column can change.',
    );
    expect(say.onDragOver({ active, over: over('todo') })).toBeUndefined();
    expect(say.onDragOver({ active, over: over('done') })).toBe('Write the brief is over Done.');
    expect(say.onDragEnd({ active, over: over('done') })).toBe(
      'Write the brief was dropped in Done (it was in To do).',
    );
    expect(say.onDragEnd({ active, over: over('todo') })).toContain('where it was');
    expect(say.onDragEnd({ active, over: null })).toBe(
      'Write the brief was dropped outside the columns; it stays in To do.',
    );
    expect(say.onDragCancel({ active, over: null })).toBe(
      'Moving Write the brief was cancelled; it stays in To do.',
    );
  });

  it('in board order: the position in the column, and where it was', () => {
    const say = announcements(() => places(true, column));
    expect(say.onDragStart({ active })).toBe(
      'Picked up Write the brief, in To do at position 3 of 5.',
    );
    expect(say.onDragOver({ active, over: over(task.id) })).toBeUndefined();
    expect(say.onDragOver({ active, over: over('b') })).toBe(
      'Write the brief is over position 2 of 5 in To do.',
    );
    expect(say.onDragOver({ active, over: over('b') })).toBeUndefined();
    expect(say.onDragOver({ active, over: over('a') })).toBe(
      'Write the brief is over position 1 of 5 in To do.',
    );
    expect(say.onDragEnd({ active, over: over('a') })).toBe(
      'Write the brief was dropped at position 1 in To do (it was 3rd).',
    );
    expect(say.onDragEnd({ active, over: over(task.id) })).toBe(
      'Write the brief was dropped back at position 3 in To do, where it was.',
    );
    const across: BoardOrder = { todo: ['a'], in_progress: ['x', task.id], done: [] };
    const moved = announcements(() => places(true, column, across));
    expect(moved.onDragEnd({ active, over: over('x') })).toBe(
      'Write the brief was dropped at position 2 in In progress (it was in To do).',
    );
  });

  it('reads statuses, not card ids, as columns', () => {
    expect(statusOf('in_progress')).toBe('in_progress');
    expect(statusOf(task.id)).toBeUndefined();
  });
});
