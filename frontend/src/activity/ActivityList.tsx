/** A list of activity entries as sentences (the task's history, the project's feed). */
import { Link } from 'react-router';
import type { Member, User } from '../api/types';
import { type Activity, activitySentence, taskTitles, timeAgo } from './sentences';

export function ActivityList({
  entries,
  members,
  me,
  projectId,
  withTask = false,
  label,
}: {
  entries: readonly Activity[];
  members: readonly Member[];
  me: User | null | undefined;
  projectId: string;
  /** In the feed: name each task, and link to it. */
  withTask?: boolean;
  label: string;
}) {
  const nameOf = (id: string) => members.find((m) => m.user_id === id)?.display_name;
  const titles = taskTitles(entries);
  const titleOf = (taskId: string) => titles.get(taskId);
  return (
    <ol className="activity-list" aria-label={label}>
      {entries.map((entry) => (
        <li key={entry.id}>
          {activitySentence(entry, { nameOf, me: me?.id, withTask, titleOf })}
          {' · '}
          <time
            className="activity-time"
            dateTime={entry.created_at}
            title={new Date(entry.created_at).toLocaleString()}
          >
            {timeAgo(entry.created_at)}
          </time>
          {withTask && entry.task_id && entry.kind !== 'task.deleted' && (
            <>
              {' · '}
              <Link to={`/projects/${projectId}/tasks/${entry.task_id}`}>open the task</Link>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}
