import {
  type Announcements,
  type ClientRect,
  type CollisionDetection,
  KeyboardCode,
  type KeyboardCoordinateGetter,
  pointerWithin,
  rectIntersection,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { STATUS_LABELS, TASK_STATUSES, type Task, type TaskStatus } from '../api/types';

/**
 * Drag and drop between the board's columns (dnd-kit; issue 10). Cards are draggables (by a
 * handle), columns are droppables keyed by status. Order within a column is not offered: it
 * needs a position the API does not store yet, and a client-side order would be a lie.
 */

/** What each draggable card carries. */
export interface CardData {
  task: Task;
}

export function statusOf(id: UniqueIdentifier | undefined | null): TaskStatus | undefined {
  return TASK_STATUSES.find((s) => s === id);
}

export function taskOf(data: { current?: unknown } | undefined): Task | undefined {
  return (data?.current as CardData | undefined)?.task;
}

/** Under the pointer first; with the keyboard (no pointer), the column the card overlaps most. */
export const columnCollision: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length > 0 ? under : rectIntersection(args);
};

export const screenReaderInstructions: ScreenReaderInstructions = {
  draggable:
    'To move this task to another column, press Space to pick it up, use the arrow keys to ' +
    'choose a column, then press Space to drop it there, or Escape to cancel. The "Move to" ' +
    'list on the card does the same without dragging.',
};

/**
 * The announcements read by screen readers: the task's title and the columns' names (dnd-kit's
 * defaults read the ids, which are UUIDs here). `over` is announced only when it changes from
 * the column last announced, so picking a card up is not drowned by "over its own column".
 */
export function announcements(): Announcements {
  let lastOver: TaskStatus | undefined;
  const name = (task: Task | undefined) => task?.title ?? 'the task';
  return {
    onDragStart({ active }) {
      const task = taskOf(active.data);
      lastOver = task?.status;
      return `Picked up ${name(task)}, in ${task ? STATUS_LABELS[task.status] : 'its column'}.`;
    },
    onDragOver({ active, over }) {
      const to = statusOf(over?.id);
      if (to === lastOver) return undefined;
      lastOver = to;
      const title = name(taskOf(active.data));
      return to ? `${title} is over ${STATUS_LABELS[to]}.` : `${title} is not over a column.`;
    },
    onDragEnd({ active, over }) {
      const task = taskOf(active.data);
      const to = statusOf(over?.id);
      const from = task ? STATUS_LABELS[task.status] : 'its column';
      if (!to) return `${name(task)} was dropped outside the columns; it stays in ${from}.`;
      if (to === task?.status) {
        return `${name(task)} was dropped back in ${from}, where it was; the order within a column cannot be changed.`;
      }
      return `${name(task)} was dropped in ${STATUS_LABELS[to]} (it was in ${from}).`;
    },
    onDragCancel({ active }) {
      const task = taskOf(active.data);
      return `Moving ${name(task)} was cancelled; it stays in ${task ? STATUS_LABELS[task.status] : 'its column'}.`;
    },
  };
}

const ARROWS: readonly string[] = [
  KeyboardCode.Left,
  KeyboardCode.Right,
  KeyboardCode.Up,
  KeyboardCode.Down,
];

/**
 * The column an arrow key leads to from `here`: among the columns wholly on that side of it,
 * the nearest. Side by side (a wide screen) that is left and right; stacked (a phone), up and
 * down.
 */
export function nextColumn(
  code: string,
  here: ClientRect,
  columns: readonly { id: UniqueIdentifier; rect: ClientRect }[],
): { id: UniqueIdentifier; rect: ClientRect } | undefined {
  const onThatSide = (r: ClientRect) => {
    switch (code) {
      case KeyboardCode.Right:
        return r.left >= here.right - 1;
      case KeyboardCode.Left:
        return r.right <= here.left + 1;
      case KeyboardCode.Down:
        return r.top >= here.bottom - 1;
      case KeyboardCode.Up:
        return r.bottom <= here.top + 1;
      default:
        return false;
    }
  };
  const distance = (r: ClientRect) => Math.hypot(r.left - here.left, r.top - here.top);
  return columns
    .filter((c) => onThatSide(c.rect))
    .sort((a, b) => distance(a.rect) - distance(b.rect))[0];
}

/**
 * The keyboard sensor's arrow keys jump from column to column (dnd-kit's default moves the card
 * 25 px per press, dozens of presses to cross a column): the card goes to the top of the next
 * column in the arrow's direction, where the collision detection finds that column.
 */
export const columnKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  if (!ARROWS.includes(event.code)) return undefined;
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers, over } = context;
  if (!collisionRect) return undefined;
  const here = (over && droppableRects.get(over.id)) || collisionRect;
  const columns = droppableContainers.getEnabled().flatMap((container) => {
    const rect = droppableRects.get(container.id);
    return rect && container.id !== over?.id ? [{ id: container.id, rect }] : [];
  });
  const target = nextColumn(event.code, here, columns);
  if (!target) return undefined;
  return { x: target.rect.left + 8, y: target.rect.top + 8 };
};
