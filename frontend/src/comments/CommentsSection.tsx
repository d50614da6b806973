/**
 * The comments of a task (issue 11, docs/decisions/0103): oldest first, more on request;
 * members and owners write (viewers read, and see no form); authors edit and delete their own,
 * owners delete anyone's (moderation). Text is Markdown, rendered sanitised; `@Name`s of the
 * comment's `mentions` are marked, the signed-in user's highlighted.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { timeAgo } from '../activity/sentences';
import type { Member, User } from '../api/types';
import { Markdown } from '../ui/Markdown';
import { type Comment, useCommentMutations, useComments } from './api';
import { MentionTextarea } from './MentionTextarea';
import { type Mentionable, mentionsInText } from './mentions';
import { commentErrorMessage } from './messages';
import './comments.css';

export interface CommentsProps {
  projectId: string;
  taskId: string;
  /** Members and owners comment. */
  canWrite: boolean;
  /** Owners delete anyone's comment. */
  canModerate: boolean;
  members: readonly Member[];
  me: User | null | undefined;
  /** Whether some comment box holds text not sent yet (the task panel asks before closing). */
  onUnsentChange?: (unsent: boolean) => void;
}

/** What the section gives its editors: where Escape leaves to, and who holds unsent text. */
interface EditorLinks {
  reportUnsent: (editor: string, unsent: boolean) => void;
}

export function CommentsSection(props: CommentsProps) {
  const { projectId, taskId, canWrite, onUnsentChange } = props;
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // The editors (the new comment's, each one being edited) that hold text not sent.
  const unsentEditors = useRef(new Set<string>());
  const reportUnsent = useCallback(
    (editor: string, unsent: boolean) => {
      const editors = unsentEditors.current;
      const before = editors.size > 0;
      if (unsent) editors.add(editor);
      else editors.delete(editor);
      if (before !== editors.size > 0) onUnsentChange?.(editors.size > 0);
    },
    [onUnsentChange],
  );
  const comments = useComments(projectId, taskId);
  const items = comments.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="comments" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Comments
      </h2>
      {comments.isPending && <p className="muted">Loading comments…</p>}
      {comments.isError && (
        <div className="form-error" role="alert">
          <p>Could not load the comments: {commentErrorMessage(comments.error)}</p>
          <button type="button" onClick={() => void comments.refetch()}>
            Try again
          </button>
        </div>
      )}
      {comments.isSuccess && items.length === 0 && <p className="muted">No comments yet.</p>}
      {items.length > 0 && (
        <ol className="comment-list" aria-label="Comments">
          {items.map((comment) => (
            <li key={comment.id}>
              <CommentItem comment={comment} {...props} reportUnsent={reportUnsent} />
            </li>
          ))}
        </ol>
      )}
      {comments.hasNextPage && (
        <button
          type="button"
          className="button-secondary"
          disabled={comments.isFetchingNextPage}
          onClick={() => void comments.fetchNextPage()}
        >
          {comments.isFetchingNextPage ? 'Loading…' : 'Load more comments'}
        </button>
      )}
      {canWrite && (
        <NewComment
          {...props}
          reportUnsent={reportUnsent}
          onLeave={() => heading.current?.focus()}
        />
      )}
    </section>
  );
}

function useMentionMarks(
  comment: Comment,
  members: readonly Member[],
  me: User | null | undefined,
) {
  return useMemo(() => {
    const names = comment.mentions
      .map((id) => members.find((m) => m.user_id === id)?.display_name)
      .filter((n): n is string => Boolean(n));
    const mine =
      me && comment.mentions.includes(me.id)
        ? (members.find((m) => m.user_id === me.id)?.display_name ?? me.display_name)
        : undefined;
    return { names: mine && !names.includes(mine) ? [...names, mine] : names, mine };
  }, [comment.mentions, members, me]);
}

function CommentItem({
  comment,
  projectId,
  taskId,
  canWrite,
  canModerate,
  members,
  me,
  reportUnsent,
}: CommentsProps & EditorLinks & { comment: Comment }) {
  const { update, remove } = useCommentMutations(projectId, taskId);
  const self = useRef<HTMLElement>(null);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const marks = useMentionMarks(comment, members, me);
  const mine = me !== null && me !== undefined && comment.author_id === me.id;
  const author = mine ? 'You' : (comment.author_name ?? 'A deleted account');
  const mentionsMe = marks.mine !== undefined;
  return (
    <article
      ref={self}
      // Where Escape in its edit box leaves to.
      tabIndex={-1}
      className={mentionsMe ? 'comment comment-mentions-me' : 'comment'}
      aria-label={`Comment by ${comment.author_name ?? 'a deleted account'}`}
    >
      <header className="comment-meta">
        <strong>{author}</strong>{' '}
        <time dateTime={comment.created_at} title={new Date(comment.created_at).toLocaleString()}>
          {timeAgo(comment.created_at)}
        </time>
        {comment.edited_at && <span className="muted"> · edited</span>}
        {mentionsMe && <span className="badge mention-badge">mentions you</span>}
      </header>
      {editing ? (
        <CommentEditor
          members={members}
          initial={comment.body}
          initialMentions={comment.mentions}
          label="Edit your comment"
          submitLabel="Save comment"
          pending={update.isPending}
          error={update.error}
          autoFocus
          reportUnsent={reportUnsent}
          onLeave={() => self.current?.focus()}
          onCancel={() => {
            setEditing(false);
            update.reset();
          }}
          onSubmit={(body, mentions) =>
            update.mutate(
              { id: comment.id, body: { body, mentions } },
              { onSuccess: () => setEditing(false) },
            )
          }
        />
      ) : (
        <Markdown source={comment.body} mentions={marks} className="markdown comment-body" />
      )}
      {!editing && (
        <div className="comment-actions">
          {mine && canWrite && (
            <button type="button" className="button-link" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {((mine && canWrite) || canModerate) &&
            (confirming ? (
              <span className="comment-confirm">
                <span>Delete this comment?</span>{' '}
                <button
                  type="button"
                  className="button-danger"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(comment.id)}
                >
                  {remove.isPending ? 'Deleting…' : 'Yes, delete it'}
                </button>{' '}
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => {
                    setConfirming(false);
                    remove.reset();
                  }}
                >
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" className="button-link" onClick={() => setConfirming(true)}>
                Delete…
              </button>
            ))}
        </div>
      )}
      {remove.error !== null && (
        <p className="form-error" role="alert">
          {commentErrorMessage(remove.error)}
        </p>
      )}
    </article>
  );
}

function NewComment({
  projectId,
  taskId,
  members,
  reportUnsent,
  onLeave,
}: CommentsProps & EditorLinks & { onLeave: () => void }) {
  const { create } = useCommentMutations(projectId, taskId);
  // A new key after each comment sent: the editor starts empty again.
  const [round, setRound] = useState(0);
  return (
    <CommentEditor
      key={round}
      members={members}
      initial=""
      initialMentions={[]}
      label="Add a comment"
      submitLabel="Comment"
      pending={create.isPending}
      error={create.error}
      reportUnsent={reportUnsent}
      onLeave={onLeave}
      onSubmit={(body, mentions) =>
        create.mutate(
          { body, mentions },
          {
            onSuccess: () => {
              create.reset();
              setRound((n) => n + 1);
            },
          },
        )
      }
    />
  );
}

function CommentEditor({
  members,
  initial,
  initialMentions,
  label,
  submitLabel,
  pending,
  error,
  autoFocus,
  reportUnsent,
  onLeave,
  onSubmit,
  onCancel,
}: EditorLinks & {
  members: readonly Mentionable[];
  initial: string;
  initialMentions: readonly string[];
  label: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  autoFocus?: boolean;
  onLeave: () => void;
  onSubmit: (body: string, mentions: string[]) => void;
  onCancel?: () => void;
}) {
  const [text, setText] = useState(initial);
  const [chosen, setChosen] = useState<string[]>([...initialMentions]);
  const [empty, setEmpty] = useState(false);
  const editorId = useId();
  // Once sent, the text is the request's: closing meanwhile loses nothing.
  const unsent = !pending && text.trim() !== initial.trim();
  useEffect(() => reportUnsent(editorId, unsent), [reportUnsent, editorId, unsent]);
  useEffect(() => () => reportUnsent(editorId, false), [reportUnsent, editorId]);
  return (
    <form
      className="comment-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim() === '') {
          setEmpty(true);
          return;
        }
        onSubmit(text, mentionsInText(text, chosen, members));
      }}
    >
      <MentionTextarea
        label={label}
        value={text}
        onChange={(next) => {
          setText(next);
          if (next.trim() !== '') setEmpty(false);
        }}
        onMention={(member) =>
          setChosen((ids) => (ids.includes(member.user_id) ? ids : [...ids, member.user_id]))
        }
        onLeave={onLeave}
        members={members}
        disabled={pending}
        error={empty ? 'Write something first.' : undefined}
        autoFocus={autoFocus}
      />
      {error !== null && error !== undefined && (
        <p className="form-error" role="alert">
          {commentErrorMessage(error)}
        </p>
      )}
      <div className="button-row">
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
