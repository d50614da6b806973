import { STATUS_LABELS, type Task, type TaskStatus } from '../api/types';
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

/**
 * The outcome of the last move, above the board, in two live regions that are always there
 * (a region added with its text is not reliably read): the move done, with Undo (polite), or
 * the move refused, naming the task and who changed it (an alert). It stays until the next
 * move or Dismiss: no timer takes Undo away before the user got to it (WCAG 2.2.1).
 */
export function MoveNotice({
  outcome,
  me,
  memberName,
  onUndo,
  onDismiss,
}: {
  outcome: MoveOutcome | null;
  me: string | undefined;
  memberName: (id: string | null) => string | null;
  onUndo: (task: Task, to: TaskStatus) => void;
  onDismiss: () => void;
}) {
  const dismiss = (
    <button type="button" className="button-secondary" onClick={onDismiss}>
      Dismiss
    </button>
  );
  const moved = outcome?.kind === 'moved' ? outcome : null;
  const problem = outcome && outcome.kind !== 'moved' ? outcome : null;
  return (
    <div className="move-notices">
      <div role="status">
        {moved && (
          <div className="notice move-notice">
            <p>
              {moved.undo
                ? `Moved “${moved.task.title}” back to ${STATUS_LABELS[moved.task.status]}.`
                : `Moved “${moved.task.title}” to ${STATUS_LABELS[moved.task.status]}.`}
            </p>
            {!moved.undo && (
              <button type="button" onClick={() => onUndo(moved.task, moved.from)}>
                Undo<span className="visually-hidden"> moving “{moved.task.title}”</span>
              </button>
            )}
            {dismiss}
          </div>
        )}
      </div>
      <div role="alert">
        {problem && (
          <div className="form-error move-notice">
            <p>{problemText(problem, me, memberName)}</p>
            {dismiss}
          </div>
        )}
      </div>
    </div>
  );
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
    case 'deleted':
      return `${refused}: it was deleted meanwhile.`;
    case 'failed':
      return `${refused}; it is back in ${STATUS_LABELS[problem.from]}. ${problem.message}`;
  }
}
