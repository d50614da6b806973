import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { api, fieldErrors, unwrap } from '../api';
import { STATUS_LABELS, type Task, type TaskStatus } from '../api/types';
import { checkLength, LIMITS } from '../lib/validation';
import { FormError } from '../ui/components';
import { hiddenByFilters, type TaskFilters } from './board';
import { taskKeys } from './hooks';
import { writeTask } from './moves';

/**
 * Quick add at the top of a column (issue 10): a title, Enter, and the task is in that column;
 * the field stays open for the next one, as in Trello and Linear. The new task is written into
 * the cached lists (no refetch); the counts are read again. What the user typed is kept when the
 * API refuses it.
 */
export function QuickAdd({
  projectId,
  status,
  filters,
}: {
  projectId: string;
  status: TaskStatus;
  filters: TaskFilters;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [added, setAdded] = useState<Task | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const id = useId();
  const label = STATUS_LABELS[status];
  const create = useMutation({
    mutationFn: async (text: string) =>
      unwrap(
        await api.POST('/api/projects/{project_id}/tasks', {
          params: { path: { project_id: projectId } },
          body: { title: text, status, description: '', priority: 'medium' },
        }),
      ),
    onSuccess: (task) => {
      writeTask(queryClient, projectId, task);
      void queryClient.invalidateQueries({ queryKey: taskKeys.allCounts(projectId) });
      setAdded(task);
      setTitle('');
    },
  });
  const close = () => {
    setOpen(false);
    setTitle('');
    setProblem(undefined);
    create.reset();
    requestAnimationFrame(() => opener.current?.focus());
  };
  const serverProblem = fieldErrors(create.error).title;

  if (!open) {
    return (
      <div className="quick-add">
        <button
          ref={opener}
          type="button"
          className="button-secondary quick-add-open"
          onClick={() => {
            setAdded(null);
            setOpen(true);
          }}
        >
          <span aria-hidden="true">+</span> Add a task
          <span className="visually-hidden"> to {label}</span>
        </button>
      </div>
    );
  }
  const error = problem ?? serverProblem;
  return (
    <form
      className="quick-add"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const invalid = checkLength(title, LIMITS.taskTitle, 'a title');
        setProblem(invalid);
        if (!invalid && !create.isPending) create.mutate(title.trim());
      }}
    >
      <label className="visually-hidden" htmlFor={`${id}-title`}>
        Title of a new task in {label}
      </label>
      <input
        id={`${id}-title`}
        // Opened by a click on "Add a task": the field is what the user came for.
        // biome-ignore lint/a11y/noAutofocus: focus follows the user's own action
        autoFocus
        value={title}
        maxLength={LIMITS.taskTitle.max}
        placeholder="Title, then Enter"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => {
          setTitle(event.target.value);
          setProblem(undefined);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            close();
          }
        }}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      {!serverProblem && <FormError error={create.error} />}
      <div className="quick-add-actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add'}
        </button>
        <button type="button" className="button-secondary" onClick={close}>
          Cancel
        </button>
      </div>
      <p className="hint quick-add-done" role="status">
        {added && addedMessage(added, filters)}
      </p>
    </form>
  );
}

function addedMessage(task: Task, filters: TaskFilters): string {
  const where = `Added “${task.title}” to ${STATUS_LABELS[task.status]}`;
  return hiddenByFilters(task, filters)
    ? `${where}; the filters hide it: clear them to see it.`
    : `${where}.`;
}
