import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api, unwrap } from '../api';
import type { Attachment, AttachmentContentType } from '../api/types';
import { taskKeys } from '../tasks/hooks';
import { Empty, ErrorView, FormError, Loading } from '../ui/components';
import {
  checkFile,
  formatBytes,
  MAX_ATTACHMENT_BYTES,
  type UploadProgress,
  uploadToS3,
} from './upload';

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
    // The row goes: focus moves to the section's heading rather than drop to the page.
    onSuccess: () => heading.current?.focus(),
    // Not deleted: the row is back as it was, focus on its "Delete…", the error above.
    onError: () => setConfirmDelete(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  // Deleting takes a second click, as deleting a task or removing a member does: the file
  // cannot be brought back (issue 10, bug 7).
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  return (
    <section className="attachments" aria-labelledby="attachments-heading">
      <h2 id="attachments-heading" ref={heading} tabIndex={-1}>
        Attachments
      </h2>
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
            <AttachmentRow
              key={a.id}
              attachment={a}
              canEdit={canEdit}
              confirming={confirmDelete === a.id}
              deleting={remove.isPending && remove.variables === a.id}
              onDownload={() => download.mutate(a.id)}
              onAskDelete={() => setConfirmDelete(a.id)}
              onCancelDelete={() => setConfirmDelete(null)}
              onDelete={() => remove.mutate(a.id)}
            />
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

/**
 * One attachment: its name and size, Download, and Delete… which asks first. Focus follows:
 * to "Yes, delete" when asked, back to "Delete…" on Cancel.
 */
function AttachmentRow({
  attachment: a,
  canEdit,
  confirming,
  deleting,
  onDownload,
  onAskDelete,
  onCancelDelete,
  onDelete,
}: {
  attachment: Attachment;
  canEdit: boolean;
  confirming: boolean;
  deleting: boolean;
  onDownload: () => void;
  onAskDelete: () => void;
  onCancelDelete: () => void;
  onDelete: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (confirming) {
      asked.current = true;
      confirmRef.current?.focus();
    } else if (asked.current) {
      asked.current = false;
      askRef.current?.focus();
    }
  }, [confirming]);
  return (
    <li>
      <span className="filename">{a.filename}</span>{' '}
      <span className="muted">
        {formatBytes(a.size_bytes)}
        {a.status === 'pending' && ' · upload not finished'}
      </span>
      {confirming ? (
        <span className="confirm">
          <span>Delete for everyone? This cannot be undone.</span>
          <button
            ref={confirmRef}
            type="button"
            className="button-danger"
            disabled={deleting}
            onClick={onDelete}
          >
            {deleting ? 'Deleting…' : `Yes, delete ${a.filename}`}
          </button>
          <button type="button" className="button-secondary" onClick={onCancelDelete}>
            Cancel
          </button>
        </span>
      ) : (
        <>
          {a.status === 'ready' && (
            <button
              type="button"
              className="button-secondary"
              onClick={onDownload}
              aria-label={`Download ${a.filename}`}
            >
              Download
            </button>
          )}
          {canEdit && (
            <button
              ref={askRef}
              type="button"
              className="button-secondary"
              onClick={onAskDelete}
              aria-label={`Delete ${a.filename}…`}
            >
              Delete…
            </button>
          )}
        </>
      )}
    </li>
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
    const problem = checkFile(file);
    if (problem) {
      setFileError(problem);
      inputRef.current?.focus();
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
        <p id={`${inputId}-hint`} className="hint">
          Up to {formatBytes(MAX_ATTACHMENT_BYTES)}.
        </p>
        <input
          id={inputId}
          ref={inputRef}
          type="file"
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? `${inputId}-hint ${inputId}-error` : `${inputId}-hint`}
          onChange={(e) => {
            const chosen = e.target.files?.[0] ?? null;
            setFile(chosen);
            // Checked as soon as it is chosen, not after Upload (issue 10, bug 7).
            setFileError(chosen ? (checkFile(chosen) ?? null) : null);
            upload.reset();
          }}
        />
        {fileError && (
          // Announced as it appears: it can come from choosing a file, not only from Upload.
          <p id={`${inputId}-error`} className="field-error" role="alert">
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
