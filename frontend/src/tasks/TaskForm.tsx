import { type FormEvent, useRef, useState } from 'react';
import {
  type Member,
  STATUS_LABELS,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Task,
  type TaskPriority,
  type TaskStatus,
} from '../api/types';
import { type Errors, LIMITS, validateTask } from '../lib/validation';
import { Field, SelectField, submitIfValid, TextAreaField } from '../ui/components';

export interface TaskValues {
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  assigneeId: string;
  dueDate: string;
}

export function valuesOf(task: Task | null): TaskValues {
  return {
    title: task?.title ?? '',
    description: task?.description ?? '',
    status: task?.status ?? 'todo',
    priority: task?.priority ?? 'medium',
    assigneeId: task?.assignee_id ?? '',
    dueDate: task?.due_date ?? '',
  };
}

/** The API body for these values: every field, with '' meaning "none". */
export function toBody(values: TaskValues) {
  return {
    title: values.title.trim(),
    description: values.description,
    status: values.status,
    priority: values.priority,
    assignee_id: values.assigneeId || null,
    due_date: values.dueDate || null,
  };
}

export function TaskForm({
  initial,
  members,
  readOnly,
  submitLabel,
  pending,
  serverErrors,
  onSubmit,
  children,
}: {
  initial: TaskValues;
  members: Member[];
  readOnly: boolean;
  submitLabel: string;
  pending: boolean;
  serverErrors: Record<string, string>;
  onSubmit: (values: TaskValues) => void;
  children?: React.ReactNode;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Errors<'title' | 'description' | 'dueDate'>>({});
  const set =
    <K extends keyof TaskValues>(key: K) =>
    (e: { target: { value: string } }) =>
      setValues((v) => ({ ...v, [key]: e.target.value as TaskValues[K] }));
  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validateTask(values), setErrors, () => onSubmit(values));
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Task">
      {children}
      <fieldset disabled={readOnly || pending}>
        <legend className="visually-hidden">Task details</legend>
        <Field
          label="Title"
          value={values.title}
          maxLength={LIMITS.taskTitle.max}
          onChange={set('title')}
          error={errors.title ?? serverErrors.title}
        />
        <TextAreaField
          label="Description"
          value={values.description}
          rows={5}
          maxLength={LIMITS.taskDescription.max}
          onChange={set('description')}
          error={errors.description ?? serverErrors.description}
        />
        <div className="field-row">
          <SelectField label="Status" value={values.status} onChange={set('status')}>
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </SelectField>
          <SelectField label="Priority" value={values.priority} onChange={set('priority')}>
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </SelectField>
          <SelectField label="Assignee" value={values.assigneeId} onChange={set('assigneeId')}>
            <option value="">Nobody</option>
            {members.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.display_name}
              </option>
            ))}
          </SelectField>
          <Field
            label="Due date"
            type="date"
            value={values.dueDate}
            onChange={set('dueDate')}
            error={errors.dueDate ?? serverErrors.due_date}
          />
        </div>
        {!readOnly && (
          <button type="submit" disabled={pending}>
            {pending ? 'Saving…' : submitLabel}
          </button>
        )}
      </fieldset>
    </form>
  );
}
