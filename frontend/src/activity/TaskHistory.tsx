/** A task's history (issue 11): what happened to it, newest first, below its comments. */
import { useId } from 'react';
import { messageOf } from '../api';
import type { Member, User } from '../api/types';
import { ActivityList } from './ActivityList';
import { useTaskActivity } from './api';

export function TaskHistory({
  projectId,
  taskId,
  members,
  me,
}: {
  projectId: string;
  taskId: string;
  members: readonly Member[];
  me: User | null | undefined;
}) {
  const headingId = useId();
  const history = useTaskActivity(projectId, taskId);
  const entries = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="activity" aria-labelledby={headingId}>
      <h2 id={headingId}>History</h2>
      {history.isPending && <p className="muted">Loading the history…</p>}
      {history.isError && (
        <div className="form-error" role="alert">
          <p>Could not load the history: {messageOf(history.error)}</p>
          <button type="button" onClick={() => void history.refetch()}>
            Try again
          </button>
        </div>
      )}
      {entries.length > 0 && (
        <ActivityList
          entries={entries}
          members={members}
          me={me}
          projectId={projectId}
          label="History of this task"
        />
      )}
      {history.hasNextPage && (
        <button
          type="button"
          className="button-secondary"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {history.isFetchingNextPage ? 'Loading…' : 'Show older changes'}
        </button>
      )}
    </section>
  );
}
