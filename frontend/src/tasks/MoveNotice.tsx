import { STATUS_LABELS, type Task, type TaskStatus } from '../api/types';
import type { ToastInput } from '../ui/toastQueue';
import type { MoveOutcome } from './moves';

/**
 * Who last changed a task, in words: a member's name, "you" (another tab or device of this
 * account), or "someone else" when the API does not say (TaskOut without `updated_by_id`) or
 * the person has left the project.
 */
export function changedBy(
  task: Task,
  me: string | undefined,
  memberName: (id: string | null) => string | null,
): string {
  const by = 'updated_by_id' in task ? task.updated_by_id : undefined;
  if (typeof by !== 'string') return 'someone else';
  if (by === me) return 'you (in another tab or device)';
  return memberName(by) ?? 'someone else';
}

/** The key of the move toast: each move's outcome replaces the last one's. */
export const MOVE_TOAST = 'task-move';

/**
 * The outcome of the last move, as a toast (ui/toasts.tsx): the move done, with Undo, or the
 * move refused, naming the task and who changed it (an alert). Either stays until the next move
 * or Dismiss: no timer takes Undo away before the user got to it (WCAG 2.2.1).
 */
export function moveToast(
  outcome: MoveOutcome,
  me: string | undefined,
  memberName: (id: string | null) => string | null,
  /** Undo: the task back to its column, after the card that was above it (board order). */
  onUndo: (task: Task, to: TaskStatus, afterId: string | null | undefined) => void,
): ToastInput {
  if (outcome.kind !== 'moved') {
    return { key: MOVE_TOAST, tone: 'problem', message: problemText(outcome, me, memberName) };
  }
  const { task, from, undo, afterId, undoAfterId } = outcome;
  const column = STATUS_LABELS[task.status];
  const within = from === task.status;
  if (undo) {
    const where = within ? `back to its place in ${column}` : `back to ${column}`;
    return { key: MOVE_TOAST, message: `Moved “${task.title}” ${where}.` };
  }
  return {
    key: MOVE_TOAST,
    message: within
      ? `Moved “${task.title}” ${afterId === null ? 'to the top of' : 'within'} ${column}.`
      : `Moved “${task.title}” to ${column}.`,
    action: {
      label: 'Undo',
      detail: `moving “${task.title}”`,
      run: () => onUndo(task, from, undoAfterId),
    },
  };
}

function problemText(
  problem: Exclude<MoveOutcome, { kind: 'moved' }>,
  me: string | undefined,
  memberName: (id: string | null) => string | null,
): string {
  const refused = `Could not move “${problem.title}” to ${STATUS_LABELS[problem.to]}`;
  switch (problem.kind) {
    case 'conflict':
      return (
        `${refused}: ${changedBy(problem.current, me, memberName)} changed it first. ` +
        `It is in ${STATUS_LABELS[problem.current.status]} now; move it again if you still want to.`
      );
    case 'neighbour': {
      const card = problem.neighbour;
      const moved = card
        ? `${changedBy(card, me, memberName)} moved “${card.title}”, the card it was to go after, to ${STATUS_LABELS[card.status]} first`
        : 'the card it was to go after moved meanwhile';
      return `${refused}: ${moved}. It is back where it was; move it again if you still want to.`;
    }
    case 'deleted':
      return `${refused}: it was deleted meanwhile.`;
    case 'failed':
      return `${refused}; it is back in ${STATUS_LABELS[problem.from]}. ${problem.message}`;
  }
}
