import {
  type Announcements,
  type ClientRect,
  type CollisionDetection,
  closestCenter,
  type DroppableContainer,
  KeyboardCode,
  type KeyboardCoordinateGetter,
  pointerWithin,
  rectIntersection,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { arrayMove } from '@dnd-kit/sortable';
import { STATUS_LABELS, TASK_STATUSES, type Task, type TaskStatus } from '../api/types';

/**
 * Drag and drop on the board (dnd-kit; issue 10). Cards are sortables (dragged by a handle)
 * grouped by column; the columns are droppables keyed by status, so an empty column takes a
 * drop too. In the board's order ("Board order", ADR 0106) a card takes a place within a column
 * as well: dragging shows where it will land, and the drop asks the server for that place
 * (`after_id`, the card above it). Under another sort the order is the sort's: cards only change
 * column.
 */

/** What each card carries: the task, and the column it shows in (while dragging, the one it is
 * dragged into). */
export interface CardData {
  task: Task;
  column: TaskStatus;
}

export function statusOf(id: UniqueIdentifier | undefined | null): TaskStatus | undefined {
  return TASK_STATUSES.find((s) => s === id);
}

export function taskOf(data: { current?: unknown } | undefined): Task | undefined {
  return (data?.current as CardData | undefined)?.task;
}

/** The column a droppable is, or the column of the card it is. */
export function columnOf(
  droppable: { id: UniqueIdentifier; data: { current?: unknown } } | null | undefined,
): TaskStatus | undefined {
  if (!droppable) return undefined;
  return statusOf(droppable.id) ?? (droppable.data.current as CardData | undefined)?.column;
}

// ---------------------------------------------------------------------------------------------
// The order the board shows while a card is dragged: the ids of each column's cards, top first.

export type BoardOrder = Record<TaskStatus, string[]>;

/** Where a card is: its column and index. */
export function locate(
  order: BoardOrder,
  id: UniqueIdentifier,
): { status: TaskStatus; index: number } | undefined {
  for (const status of TASK_STATUSES) {
    const index = order[status].indexOf(String(id));
    if (index >= 0) return { status, index };
  }
  return undefined;
}

/**
 * The card dragged into another column: before the card it is over (after it when `below`), or
 * at the top when it is over the column itself. The same order when it is in that column already.
 */
export function moveAcross(
  order: BoardOrder,
  id: UniqueIdentifier,
  to: TaskStatus,
  overId: UniqueIdentifier | undefined,
  below: boolean,
): BoardOrder {
  const here = locate(order, id);
  if (!here || here.status === to) return order;
  const target = order[to];
  const at = overId === undefined ? -1 : target.indexOf(String(overId));
  const index = at < 0 ? 0 : at + (below ? 1 : 0);
  return {
    ...order,
    [here.status]: order[here.status].filter((other) => other !== String(id)),
    [to]: [...target.slice(0, index), String(id), ...target.slice(index)],
  };
}

/**
 * The order a drop (or the place shown while dragging) gives: over another card of its column,
 * the card takes that card's place, as the sortable list shows it; over anything else it stays.
 */
export function dropOrder(
  order: BoardOrder,
  id: UniqueIdentifier,
  overId: UniqueIdentifier | undefined,
): BoardOrder {
  const here = locate(order, id);
  if (!here || overId === undefined) return order;
  const to = order[here.status].indexOf(String(overId));
  if (to < 0 || to === here.index) return order;
  return { ...order, [here.status]: arrayMove(order[here.status], here.index, to) };
}

/** The place to ask the server for: the column, and the card above it (null: the top). */
export function placement(
  order: BoardOrder,
  id: UniqueIdentifier,
): { to: TaskStatus; afterId: string | null } | undefined {
  const here = locate(order, id);
  if (!here) return undefined;
  return { to: here.status, afterId: order[here.status][here.index - 1] ?? null };
}

/** A card's place in words: its column, its position (from 1) and how many cards it has. */
export interface Landing {
  status: TaskStatus;
  position: number;
  count: number;
}

export function landing(order: BoardOrder, id: UniqueIdentifier): Landing | undefined {
  const here = locate(order, id);
  return (
    here && { status: here.status, position: here.index + 1, count: order[here.status].length }
  );
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

// ---------------------------------------------------------------------------------------------

/** Under the pointer first; with the keyboard (no pointer), the column the card overlaps most. */
function columnUnder(args: Parameters<CollisionDetection>[0]) {
  const columns = args.droppableContainers.filter((c) => statusOf(c.id));
  const under = pointerWithin({ ...args, droppableContainers: columns });
  return under.length > 0 ? under : rectIntersection({ ...args, droppableContainers: columns });
}

/** Columns only: under a sort other than the board's order, a card only changes column. */
export const columnCollision: CollisionDetection = (args) => columnUnder(args);

/**
 * The board's order: the column under the pointer (or the card), then, within it, the card
 * whose centre is nearest (so a card always lands between two others); the column itself when
 * it has no cards.
 */
export const cardCollision: CollisionDetection = (args) => {
  const columns = columnUnder(args);
  const column = statusOf(columns[0]?.id);
  if (!column) return [];
  const cards = args.droppableContainers.filter((c) => !statusOf(c.id) && columnOf(c) === column);
  return cards.length > 0 ? closestCenter({ ...args, droppableContainers: cards }) : columns;
};

const MOVE_WITHOUT_DRAGGING =
  'The "Move" button on the card moves it to another column without dragging.';

export const screenReaderInstructions: ScreenReaderInstructions = {
  draggable:
    'To move this task, press Space to pick it up. In board order, use the up and down arrow ' +
    'keys to choose its place in the column and the left and right arrow keys to choose a ' +
    'column; under another sort, the arrow keys only choose a column, as the sort sets the ' +
    'order. Press Space to drop it there, or Escape to cancel. ' +
    MOVE_WITHOUT_DRAGGING,
};

/** What the announcements need to know of the drag: the board's places, read when spoken. */
export interface DragPlaces {
  /** Whether cards take a place within a column (the board's order). */
  ordered: boolean;
  /** Where the card would land if dropped over `overId` now; after a drop, where it did. */
  landing(activeId: UniqueIdentifier, overId: UniqueIdentifier | undefined): Landing | undefined;
  /** Where it was when it was picked up. */
  origin(activeId: UniqueIdentifier): Landing | undefined;
}

/**
 * The announcements read by screen readers: the task's title, the columns' names and, in the
 * board's order, its position in the column (dnd-kit's defaults read the ids, which are UUIDs
 * here). A place is announced only when it changes, so picking a card up is not drowned by
 * "over its own place".
 */
export function announcements(places: () => DragPlaces): Announcements {
  let last = '';
  const name = (task: Task | undefined) => task?.title ?? 'the task';
  const where = (at: Landing, ordered: boolean) =>
    ordered
      ? `position ${at.position} of ${at.count} in ${STATUS_LABELS[at.status]}`
      : STATUS_LABELS[at.status];
  return {
    onDragStart({ active }) {
      const task = taskOf(active.data);
      const { ordered, origin } = places();
      const at = origin(active.id);
      last = at ? where(at, ordered) : '';
      const column = task ? STATUS_LABELS[task.status] : 'its column';
      const hint = ordered
        ? ''
        : ' The sort sets the order within a column: only the column can change.';
      return `Picked up ${name(task)}, in ${column}${at && ordered ? ` at position ${at.position} of ${at.count}` : ''}.${hint}`;
    },
    onDragOver({ active, over }) {
      const { ordered, landing: land } = places();
      const at = over ? land(active.id, over.id) : undefined;
      const place = at ? where(at, ordered) : '';
      if (place === last) return undefined;
      last = place;
      const title = name(taskOf(active.data));
      return at ? `${title} is over ${place}.` : `${title} is not over a column.`;
    },
    onDragEnd({ active, over }) {
      const task = taskOf(active.data);
      const { ordered, landing: land, origin } = places();
      const at = over ? land(active.id, over.id) : undefined;
      const was = origin(active.id);
      const from = task ? STATUS_LABELS[task.status] : 'its column';
      if (!at) return `${name(task)} was dropped outside the columns; it stays in ${from}.`;
      const to = STATUS_LABELS[at.status];
      if (at.status !== task?.status) {
        return ordered
          ? `${name(task)} was dropped at position ${at.position} in ${to} (it was in ${from}).`
          : `${name(task)} was dropped in ${to} (it was in ${from}).`;
      }
      if (!ordered) {
        return `${name(task)} was dropped back in ${from}, where it was; the sort sets the order within a column.`;
      }
      if (was && was.position === at.position) {
        return `${name(task)} was dropped back at position ${at.position} in ${to}, where it was.`;
      }
      return `${name(task)} was dropped at position ${at.position} in ${to} (it was ${was ? ordinal(was.position) : 'elsewhere'}).`;
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

type KeyboardContext = Parameters<KeyboardCoordinateGetter>[1]['context'];

/** The droppables of one kind that have a measured place, with it. */
function measured(context: KeyboardContext, keep: (container: DroppableContainer) => boolean) {
  return context.droppableContainers.getEnabled().flatMap((container) => {
    const rect = context.droppableRects.get(container.id);
    return rect && keep(container) ? [{ id: container.id, rect }] : [];
  });
}

/**
 * Up and down within a column (the board's order): the card goes to the place of the card
 * below or above the one it is over, in the column's order (cards are measured where they lie,
 * not where the sortable list shifts them), its centre on that card's, where the collision
 * detection finds that card.
 */
function cardStep(code: string, context: KeyboardContext) {
  const { collisionRect, over } = context;
  const column = columnOf(over);
  if (
    !collisionRect ||
    !over ||
    !column ||
    (code !== KeyboardCode.Down && code !== KeyboardCode.Up)
  )
    return undefined;
  const cards = measured(context, (c) => !statusOf(c.id) && columnOf(c) === column).sort(
    (a, b) => a.rect.top - b.rect.top,
  );
  const at = cards.findIndex((card) => card.id === over.id);
  if (at < 0) return undefined;
  const target = cards[at + (code === KeyboardCode.Down ? 1 : -1)];
  if (!target) return undefined;
  return {
    x: target.rect.left + (target.rect.width - collisionRect.width) / 2,
    y: target.rect.top + (target.rect.height - collisionRect.height) / 2,
  };
}

/** To the top of the next column in the arrow's direction, where the collision finds it. */
function columnJump(code: string, context: KeyboardContext) {
  const { collisionRect, droppableRects, over } = context;
  if (!collisionRect) return undefined;
  const current = columnOf(over);
  const here = (current && droppableRects.get(current)) || collisionRect;
  const columns = measured(context, (c) => statusOf(c.id) !== undefined && c.id !== current);
  const target = nextColumn(code, here, columns);
  if (!target) return undefined;
  return { x: target.rect.left + 8, y: target.rect.top + 8 };
}

/**
 * The keyboard sensor's arrow keys (dnd-kit's default moves the card 25 px per press, dozens of
 * presses to cross a column). In the board's order, up and down step from card to card within
 * the column; otherwise, and past a column's first or last card, the card jumps to the top of
 * the next column in the arrow's direction: left and right on a wide screen, up and down where
 * the columns are stacked (a phone).
 */
export const boardKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  if (!ARROWS.includes(event.code)) return undefined;
  event.preventDefault();
  return cardStep(event.code, context) ?? columnJump(event.code, context);
};
