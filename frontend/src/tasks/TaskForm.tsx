import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
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
import { MemberOptions } from '../projects/MemberOptions';
import { Field, SelectField, submitIfValid, TextAreaField } from '../ui/components';
import { FIELD_LABELS, type TaskField } from './draft';

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

/** Whether two sets of form values are the same (nothing typed, compared with a version). */
export function sameValues(a: TaskValues, b: TaskValues): boolean {
  return (Object.keys(a) as (keyof TaskValues)[]).every((key) => a[key] === b[key]);
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
  theirs = {},
  onValuesChange,
  children,
}: {
  initial: TaskValues;
  members: Member[];
  readOnly: boolean;
  submitLabel: string;
  pending: boolean;
  serverErrors: Record<string, string>;
  onSubmit: (values: TaskValues) => void;
  /** After a conflict: the other person's values of fields the user changed too, shown beside. */
  theirs?: Partial<TaskValues>;
  /** Told what the fields hold, as the user types (to keep it across a reload). */
  onValuesChange?: (values: TaskValues) => void;
  children?: React.ReactNode;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(initial);
  useEffect(() => onValuesChange?.(values), [values, onValuesChange]);
  const [settled, setSettled] = useState<TaskField[]>([]);
  const shown = (field: TaskField, text: (value: string) => string = (v) => v) => {
    const value = theirs[field];
    if (value === undefined || settled.includes(field)) return null;
    return (
      <TheirValue
        field={field}
        text={text(value)}
        onUse={() => {
          setValues((v) => ({ ...v, [field]: value }));
          setSettled((s) => [...s, field]);
        }}
      />
    );
  };
  const memberName = (id: string) =>
    id ? (members.find((m) => m.user_id === id)?.display_name ?? 'a former member') : 'nobody';
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
        {shown('title')}
        <TextAreaField
          label="Description"
          value={values.description}
          rows={5}
          maxLength={LIMITS.taskDescription.max}
          onChange={set('description')}
          error={errors.description ?? serverErrors.description}
        />
        {shown('description', (v) => v || '(empty)')}
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
            <MemberOptions members={members} none="Nobody" />
          </SelectField>
          <Field
            label="Due date"
            type="date"
            value={values.dueDate}
            onChange={set('dueDate')}
            error={errors.dueDate ?? serverErrors.due_date}
          />
        </div>
        {shown('status', (v) => STATUS_LABELS[v as TaskStatus] ?? v)}
        {shown('priority')}
        {shown('assigneeId', memberName)}
        {shown('dueDate', (v) => v || 'none')}
        {!readOnly && (
          <button type="submit" disabled={pending}>
            {pending ? 'Saving…' : submitLabel}
          </button>
        )}
      </fieldset>
    </form>
  );
}

/**
 * A field both people changed: the user's value stays in the field; the other person's is shown
 * here, with a button to take it instead.
 */
export function TheirValue({
  field,
  text,
  onUse,
}: {
  field: TaskField;
  text: string;
  onUse: () => void;
}): ReactNode {
  const label = FIELD_LABELS[field];
  return (
    <fieldset className="their-value">
      <legend className="visually-hidden">Changed meanwhile: {label}</legend>
      <p>
        <strong>{label}</strong> was changed meanwhile too. Yours is in the field; theirs is:
      </p>
      <blockquote>{text}</blockquote>
      <button type="button" className="button-secondary" onClick={onUse}>
        Use their {label.toLowerCase()}
      </button>
    </fieldset>
  );
}
