/**
 * The task panel over the board (TaskPanel.tsx): the pure parts, tested on their own.
 */
import type { Task } from '../api/types';

/** The board's address with its search (filters, sort) kept: where closing the panel goes. */
export function boardPath(projectId: string, search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  return query ? `/projects/${projectId}?${query}` : `/projects/${projectId}`;
}

/**
 * Where a click on a link of the board goes when it opens a task: the task's address with the
 * board's search added, so the board behind the panel keeps its filters (and closing the
 * panel gives them back). `null` for any other link (the new-task page, other pages, other
 * projects, links that already carry a search).
 */
export function taskLinkOnBoard(href: string, projectId: string, search: string): string | null {
  const prefix = `/projects/${projectId}/tasks/`;
  if (!href.startsWith(prefix)) return null;
  const rest = href.slice(prefix.length);
  if (rest === '' || rest === 'new' || /[/?#]/.test(rest)) return null;
  const query = search.startsWith('?') ? search.slice(1) : search;
  return query ? `${href}?${query}` : href;
}

/** A click that follows a link in this tab (not middle, not with a key that opens a new one). */
export function isPlainClick(event: {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}): boolean {
  return (
    event.button === 0 &&
    !event.metaKey &&
    !event.ctrlKey &&
    !event.shiftKey &&
    !event.altKey &&
    !event.defaultPrevented
  );
}

/** What Enter (or leaving the field) does with an edited title. */
export type TitleCommit = { kind: 'unchanged' } | { kind: 'save'; title: string };

export function commitTitle(saved: string, typed: string): TitleCommit {
  const title = typed.trim();
  return title === saved.trim() ? { kind: 'unchanged' } : { kind: 'save', title };
}

/** Whether the open text editors hold something not saved (closing the panel asks first). */
export function hasUnsavedText(
  task: Pick<Task, 'title' | 'description'>,
  editing: { title: string | null; description: string | null },
): boolean {
  return (
    (editing.title !== null && editing.title.trim() !== task.title.trim()) ||
    (editing.description !== null && editing.description !== task.description)
  );
}

/**
 * "Created by Ann · updated by you, 5 min ago": who made the task and who changed it last
 * (a former member, or an account since deleted, is "someone"). Only "created" when the task
 * was never changed.
 */
export function taskMetadata(
  task: Pick<Task, 'created_by_id' | 'updated_by_id' | 'created_at' | 'updated_at' | 'version'>,
  memberName: (id: string) => string | null,
  me: string | undefined,
  ago: (iso: string) => string,
): string {
  const who = (id: string | null) =>
    id === null ? 'someone' : id === me ? 'you' : (memberName(id) ?? 'someone');
  const created = `Created by ${who(task.created_by_id)}, ${ago(task.created_at)}`;
  if (task.version <= 1) return created;
  return `Created by ${who(task.created_by_id)} · updated by ${who(task.updated_by_id)}, ${ago(task.updated_at)}`;
}
