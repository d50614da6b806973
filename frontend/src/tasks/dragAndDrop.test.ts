import { describe, expect, it } from 'vitest';
import { announcements, nextColumn, statusOf } from './dragAndDrop';

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

  it('name the task and the columns, never the ids', () => {
    const say = announcements();
    expect(say.onDragStart({ active })).toBe('Picked up Write the brief, in To do.');
    expect(say.onDragOver({ active, over: over('todo') })).toBeUndefined();
    expect(say.onDragOver({ active, over: over('done') })).toBe('Write the brief is over Done.');
    expect(say.onDragEnd({ active, over: over('done') })).toBe(
      'Write the brief was dropped in Done (it was in To do).',
    );
    expect(say.onDragEnd({ active, over: over('todo') })).toContain('where it was');
    expect(say.onDragCancel({ active, over: null })).toBe(
      'Moving Write the brief was cancelled; it stays in To do.',
    );
    expect(statusOf('in_progress')).toBe('in_progress');
    expect(statusOf(task.id)).toBeUndefined();
  });
});
