import type { TaskValues } from './TaskForm';

export type TaskField = keyof TaskValues;

export const FIELD_LABELS: Record<TaskField, string> = {
  title: 'Title',
  description: 'Description',
  status: 'Status',
  priority: 'Priority',
  assigneeId: 'Assignee',
  dueDate: 'Due date',
};

const FIELDS = Object.keys(FIELD_LABELS) as TaskField[];

/** The form after "Reload the latest version" (issue 10, bug 5). */
export interface Reloaded {
  values: TaskValues;
  /** The fields the user had changed: their text is kept. */
  kept: TaskField[];
  /** Of those, the ones the other person changed too: their value, shown beside the user's. */
  theirs: Partial<TaskValues>;
}

/**
 * Merges what the user typed with the latest version after a conflict, field by field, as a
 * three-way merge against the version the form was opened with (`base`): a field the user did
 * not touch takes the latest value; a field the user changed keeps the user's value; where
 * both changed it differently, the user's value stays in the field and theirs is returned to
 * be shown beside it (the user decides; nothing typed is thrown away).
 */
export function mergeAfterConflict(
  base: TaskValues,
  draft: TaskValues,
  latest: TaskValues,
): Reloaded {
  const values = { ...latest };
  const kept: TaskField[] = [];
  const theirs: Partial<TaskValues> = {};
  for (const field of FIELDS) {
    if (draft[field] === base[field]) continue;
    kept.push(field);
    Object.assign(values, { [field]: draft[field] });
    if (latest[field] !== base[field] && latest[field] !== draft[field]) {
      Object.assign(theirs, { [field]: latest[field] });
    }
  }
  return { values, kept, theirs };
}

/** "Title", "Title and Description", "Title, Status and Description". */
export function listOfFields(fields: readonly TaskField[]): string {
  const names = fields.map((f) => FIELD_LABELS[f]);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
