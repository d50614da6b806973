/**
 * Activity entries as sentences (issue 11, docs/decisions/0103): "Alice moved it from To do to
 * In progress", "Bob changed the title", "Carol added a comment". The pure part of the task's
 * history and the project's feed.
 */
import type { components } from '../api/schema';

export type Activity = components['schemas']['ActivityOut'];

const STATUS: Record<string, string> = { todo: 'To do', in_progress: 'In progress', done: 'Done' };
const FIELD: Record<string, string> = {
  title: 'the title',
  description: 'the description',
  status: 'the status',
  priority: 'the priority',
  assignee_id: 'the assignee',
  due_date: 'the due date',
};

export interface SentenceContext {
  /** A user's display name, if known. */
  nameOf: (userId: string) => string | undefined;
  /** The signed-in user ("You"). */
  me?: string | undefined;
  /** In the project feed: name the task (its title, as the entry recorded it). */
  withTask?: boolean;
  /** A task's title known from other entries (a comment's entry records none). */
  titleOf?: (taskId: string) => string | undefined;
}

function who(id: string | null, ctx: SentenceContext): string {
  if (id === null) return 'A deleted account';
  if (id === ctx.me) return 'You';
  return ctx.nameOf(id) ?? 'Someone';
}

function text(value: unknown): string {
  return typeof value === 'string'
    ? value
    : value === null || value === undefined
      ? ''
      : String(value);
}

function listed(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** The title the entry recorded (a created or deleted task's; a renamed one's new title). */
export function taskTitleOf(entry: Activity): string | null {
  const title = entry.changes.title;
  if (!title) return null;
  return text(title.after) || text(title.before) || null;
}

export function activitySentence(entry: Activity, ctx: SentenceContext): string {
  const actor = who(entry.actor_id, ctx);
  const title = ctx.withTask
    ? (taskTitleOf(entry) ?? (entry.task_id ? ctx.titleOf?.(entry.task_id) : undefined) ?? null)
    : null;
  const it = ctx.withTask ? (title ? `“${title}”` : 'a task') : 'it';
  const on = ctx.withTask ? ` on ${title ? `“${title}”` : 'a task'}` : '';
  const changes = entry.changes;
  switch (entry.kind) {
    case 'task.created':
      return ctx.withTask ? `${actor} created ${it}` : `${actor} created this task`;
    case 'task.deleted':
      return `${actor} deleted ${ctx.withTask ? it : 'this task'}`;
    case 'task.updated': {
      const fields = Object.keys(changes);
      const status = changes.status;
      if (status && fields.length === 1) {
        const from = STATUS[text(status.before)] ?? text(status.before);
        const to = STATUS[text(status.after)] ?? text(status.after);
        return `${actor} moved ${it} from ${from} to ${to}`;
      }
      const names = fields.map((f) => FIELD[f] ?? f.replace(/_/g, ' '));
      return `${actor} changed ${listed(names)}${on}`;
    }
    case 'comment.created':
      return `${actor} added a comment${on}`;
    case 'comment.edited':
      return `${actor} edited a comment${on}`;
    case 'comment.deleted': {
      const author = text(changes.author_id?.before) || null;
      if (author && author !== entry.actor_id) {
        return `${actor} deleted a comment by ${who(author, ctx)}${on}`;
      }
      return `${actor} deleted a comment${on}`;
    }
    case 'attachment.added':
      return `${actor} attached ${text(changes.filename?.after) || 'a file'}${on}`;
    case 'attachment.deleted':
      return `${actor} removed the attachment ${text(changes.filename?.before) || ''}${on}`.trimEnd();
    case 'member.joined':
      return `${actor} joined the project as ${text(changes.role?.after) || 'a member'}`;
    case 'member.left':
      return `${actor} left the project`;
    case 'member.removed':
      return `${actor} removed ${who(entry.target_id, ctx)} from the project`;
    case 'member.role_changed':
      return `${actor} made ${who(entry.target_id, ctx)} ${text(changes.role?.after) || 'a member'}`;
    default:
      return `${actor} changed something`;
  }
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the date. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return new Date(iso).toLocaleDateString();
}

/** The latest title each task had in these entries (newest first), to name it in the feed. */
export function taskTitles(entries: readonly Activity[]): Map<string, string> {
  const titles = new Map<string, string>();
  for (const entry of entries) {
    const title = taskTitleOf(entry);
    if (entry.task_id && title && !titles.has(entry.task_id)) titles.set(entry.task_id, title);
  }
  return titles;
}
