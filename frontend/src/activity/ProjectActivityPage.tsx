/** The project's feed (issue 11): every change in the project, newest first. */
import { useAuth } from '../auth/AuthContext';
import '../comments/comments.css';
import { useMembers } from '../projects/hooks';
import { useProjectContext } from '../projects/ProjectLayout';
import { Empty, ErrorView, Loading, PageHeading } from '../ui/components';
import { ActivityList } from './ActivityList';
import { useProjectActivity } from './api';

export function ProjectActivityPage() {
  const { project, live } = useProjectContext();
  const { user } = useAuth();
  const members = useMembers(project.id);
  const feed = useProjectActivity(project.id, live.pollInterval);
  const entries = feed.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="activity">
      <PageHeading>Activity</PageHeading>
      {feed.isPending && <Loading label="Loading the activity…" />}
      {feed.isError && (
        <ErrorView
          error={feed.error}
          title="Could not load the activity"
          onRetry={() => feed.refetch()}
        />
      )}
      {feed.isSuccess && entries.length === 0 && <Empty title="Nothing has happened yet." />}
      {entries.length > 0 && (
        <ActivityList
          entries={entries}
          members={members.data ?? []}
          me={user}
          projectId={project.id}
          withTask
          label="Project activity"
        />
      )}
      {feed.hasNextPage && (
        <button
          type="button"
          className="button-secondary"
          disabled={feed.isFetchingNextPage}
          onClick={() => void feed.fetchNextPage()}
        >
          {feed.isFetchingNextPage ? 'Loading…' : 'Show older activity'}
        </button>
      )}
    </section>
  );
}
