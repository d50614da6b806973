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
 * A card's link: the task's address with the board's search (filters, sort), so the board
 * behind the panel keeps them, however the link is followed (a click, a new tab, a copied
 * link), and closing the panel gives them back.
 */
export function taskPath(projectId: string, taskId: string, search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  const path = `/projects/${projectId}/tasks/${taskId}`;
  return query ? `${path}?${query}` : path;
}

/** What Enter (or leaving the field) does with an edited title. */
export type TitleCommit = { kind: 'unchanged' } | { kind: 'save'; title: string };

export function commitTitle(saved: string, typed: string): TitleCommit {
  const title = typed.trim();
  return title === saved.trim() ? { kind: 'unchanged' } : { kind: 'save', title };
}

/**
 * Whether the open text editors hold something not saved (closing the panel asks first). Text
 * whose save is under way (`saving`: what the PATCH in flight carries) counts as saved: leaving
 * loses nothing, and a failed save still says so.
 */
export function hasUnsavedText(
  task: Pick<Task, 'title' | 'description'>,
  editing: { title: string | null; description: string | null },
  saving: { title?: string | undefined; description?: string | undefined } = {},
): boolean {
  const title = editing.title?.trim();
  return (
    (title !== undefined && title !== task.title.trim() && title !== saving.title) ||
    (editing.description !== null &&
      editing.description !== task.description &&
      editing.description !== saving.description)
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
