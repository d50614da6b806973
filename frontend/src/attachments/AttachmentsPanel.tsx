import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { api, unwrap } from '../api';
import type { AttachmentContentType } from '../api/types';
import { taskKeys } from '../tasks/hooks';
import { Empty, ErrorView, FormError, Loading } from '../ui/components';
import { formatBytes, type UploadProgress, uploadToS3 } from './upload';

export function AttachmentsPanel({
  projectId,
  taskId,
  canEdit,
}: {
  projectId: string;
  taskId: string;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const key = taskKeys.attachments(projectId, taskId);
  const path = { project_id: projectId, task_id: taskId };
  const list = useQuery({
    queryKey: key,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/projects/{project_id}/tasks/{task_id}/attachments', {
          params: { path },
        }),
      ).items,
  });
  const download = useMutation({
    mutationFn: async (attachmentId: string) =>
      unwrap(
        await api.GET(
          '/api/projects/{project_id}/tasks/{task_id}/attachments/{attachment_id}/download',
          { params: { path: { ...path, attachment_id: attachmentId } } },
        ),
      ),
    // A short-lived presigned link that answers with Content-Disposition: attachment.
    onSuccess: (link) => window.location.assign(link.url),
  });
  const remove = useMutation({
    mutationFn: async (attachmentId: string) =>
      unwrap(
        await api.DELETE('/api/projects/{project_id}/tasks/{task_id}/attachments/{attachment_id}', {
          params: { path: { ...path, attachment_id: attachmentId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });

  return (
    <section className="attachments" aria-labelledby="attachments-heading">
      <h2 id="attachments-heading">Attachments</h2>
      <FormError error={download.error ?? remove.error} />
      {list.isPending ? (
        <Loading label="Loading attachments…" />
      ) : list.isError ? (
        <ErrorView
          error={list.error}
          title="Could not load attachments"
          onRetry={() => list.refetch()}
        />
      ) : list.data.length === 0 ? (
        <Empty title="No attachments." />
      ) : (
        <ul className="attachment-list" aria-label="Attachments">
          {list.data.map((a) => (
            <li key={a.id}>
              <span className="filename">{a.filename}</span>{' '}
              <span className="muted">
                {formatBytes(a.size_bytes)}
                {a.status === 'pending' && ' · upload not finished'}
              </span>
              {a.status === 'ready' && (
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => download.mutate(a.id)}
                  aria-label={`Download ${a.filename}`}
                >
                  Download
                </button>
              )}
              {canEdit && (
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => remove.mutate(a.id)}
                  aria-label={`Delete ${a.filename}`}
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <UploadForm
          projectId={projectId}
          taskId={taskId}
          onUploaded={() => queryClient.invalidateQueries({ queryKey: key })}
        />
      )}
    </section>
  );
}

function UploadForm({
  projectId,
  taskId,
  onUploaded,
}: {
  projectId: string;
  taskId: string;
  onUploaded: () => void;
}) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const path = { project_id: projectId, task_id: taskId };
  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      setProgress({ loaded: 0, total: chosen.size });
      // 1. The API records the attachment and signs an S3 POST bound to its size and type.
      const ticket = unwrap(
        await api.POST('/api/projects/{project_id}/tasks/{task_id}/attachments', {
          params: { path },
          body: {
            filename: chosen.name,
            // Sent as the browser reports it: a type the API does not list gets its 422 message.
            content_type: (chosen.type || 'application/octet-stream') as AttachmentContentType,
            size_bytes: chosen.size,
          },
        }),
      );
      // 2. The browser sends the bytes straight to S3.
      await uploadToS3(ticket.upload, chosen, chosen.name, setProgress);
      // 3. The API checks the object is there and marks the attachment ready.
      return unwrap(
        await api.POST(
          '/api/projects/{project_id}/tasks/{task_id}/attachments/{attachment_id}/confirm',
          { params: { path: { ...path, attachment_id: ticket.attachment.id } } },
        ),
      );
    },
    onSuccess: () => {
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
      onUploaded();
    },
    onSettled: () => setProgress(null),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setFileError('Choose a file first.');
      inputRef.current?.focus();
      return;
    }
    if (file.size === 0) {
      setFileError('The file is empty.');
      return;
    }
    if (file.name.length > 255) {
      setFileError('The file name is too long (at most 255 characters).');
      return;
    }
    setFileError(null);
    upload.mutate(file);
  };
  const percent =
    progress && progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-labelledby={`${inputId}-heading`}
      className="upload-form"
    >
      <h3 id={`${inputId}-heading`}>Add a file</h3>
      <FormError error={upload.error} />
      {upload.isSuccess && (
        <p className="notice" role="status">
          Uploaded {upload.data.filename}.
        </p>
      )}
      <div className="field">
        <label htmlFor={inputId}>File</label>
        <input
          id={inputId}
          ref={inputRef}
          type="file"
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? `${inputId}-error` : undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setFileError(null);
          }}
        />
        {fileError && (
          <p id={`${inputId}-error`} className="field-error">
            {fileError}
          </p>
        )}
      </div>
      {progress && (
        <div className="progress" role="status">
          <label htmlFor={`${inputId}-progress`}>Uploading: {percent}%</label>
          <progress id={`${inputId}-progress`} max={100} value={percent}>
            {percent}%
          </progress>
        </div>
      )}
      <button type="submit" disabled={upload.isPending}>
        {upload.isPending ? 'Uploading…' : 'Upload'}
      </button>
    </form>
  );
}
