import { useMutation, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api';
import type { ExportJob } from '../api/types';
import { useProjectContext } from '../projects/ProjectLayout';
import { ErrorView, FormError, PageHeading } from '../ui/components';

const POLL_MS = 1000;

/** Keep polling while the job can still change. */
export function pollInterval(job: ExportJob | undefined): number | false {
  return job && (job.status === 'queued' || job.status === 'running') ? POLL_MS : false;
}

export function ExportPage() {
  const { project } = useProjectContext();
  const [params, setParams] = useSearchParams();
  const exportId = params.get('export');
  const start = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/projects/{project_id}/exports', {
          params: { path: { project_id: project.id } },
        }),
      ),
    onSuccess: (job) => setParams({ export: job.id }, { replace: true }),
  });
  const job = useQuery({
    queryKey: ['projects', project.id, 'exports', exportId],
    enabled: exportId !== null,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/exports/{export_id}', {
          params: { path: { project_id: project.id, export_id: exportId ?? '' } },
        }),
      ),
    refetchInterval: (query) => pollInterval(query.state.data),
    // The link in a finished job is short-lived: fetch it fresh when the page is revisited.
    staleTime: 0,
  });
  const running = job.data?.status === 'queued' || job.data?.status === 'running';

  return (
    <section>
      <PageHeading>Export</PageHeading>
      <p>Download every task of this project as a CSV file. Large projects take a moment.</p>
      <FormError error={start.error} />
      <button type="button" onClick={() => start.mutate()} disabled={start.isPending || running}>
        {start.isPending ? 'Starting…' : 'Start export'}
      </button>
      <div aria-live="polite" className="export-status">
        {exportId && job.isPending && <p role="status">Checking the export…</p>}
        {job.isError && (
          <ErrorView
            error={job.error}
            title="Could not check the export"
            onRetry={() => job.refetch()}
          />
        )}
        {job.data && (
          <div>
            <p role="status">
              Status: <strong data-testid="export-status">{job.data.status}</strong>
              {running && ' (this page updates by itself)'}
            </p>
            {job.data.status === 'failed' && (
              <p className="form-error" role="alert">
                The export failed: {job.data.error ?? 'unknown error'}. Start it again.
              </p>
            )}
            {job.data.status === 'done' && job.data.download_url && (
              <p>
                <a className="button" href={job.data.download_url}>
                  Download CSV ({job.data.row_count ?? 0} tasks)
                </a>
              </p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
