import {
  type ComponentPropsWithoutRef,
  type FormEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
} from 'react';
import { Link } from 'react-router';
import { isRetryable, messageOf } from '../api/errors';
import { hasErrors } from '../lib/validation';
import { useDocumentTitle } from './title';

/**
 * The page's main heading; takes focus when the page opens so screen readers announce it. It
 * also names the document ("Members · Launch plan · Task tracker", ui/title.ts): a text heading
 * names it, any other gives `title`.
 */
export function PageHeading({ children, title }: { children: ReactNode; title?: string }) {
  useDocumentTitle(title ?? (typeof children === 'string' ? children : undefined));
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/**
 * A failed load. "Try again" is offered only where it can help (the network, the server, a
 * rate limit): a 404 or a 422 comes back the same, so it would be a button that does nothing.
 */
export function ErrorView({
  error,
  title = 'Something went wrong',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>{title}.</strong> {messageOf(error)}
      </p>
      {onRetry && isRetryable(error) && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * What a page shows when the thing its address names does not exist, or not for this user (a
 * 404, or a malformed id): a heading of its own, a sentence, and a way back (issue 10, bug 7).
 */
export function NotFoundView({
  title,
  children,
  backTo,
  backLabel,
}: {
  title: string;
  children: ReactNode;
  backTo: string;
  backLabel: string;
}) {
  return (
    <section className="not-found">
      <PageHeading>{title}</PageHeading>
      <p>{children}</p>
      <p>
        <Link className="button" to={backTo}>
          {backLabel}
        </Link>
      </p>
    </section>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {messageOf(error)}
    </p>
  );
}

type InputProps = ComponentPropsWithoutRef<'input'>;

export function Field({
  label,
  error,
  hint,
  hintBelow = false,
  ...input
}: InputProps & {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  /**
   * The hint under the field rather than between label and field: for one that tells the
   * value's state ("3 days overdue"), not how to fill it in, so fields side by side line up.
   */
  hintBelow?: boolean;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  const hintText = hint && (
    <p id={hintId} className="hint">
      {hint}
    </p>
  );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {!hintBelow && hintText}
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hintBelow && hintText}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextAreaField({
  label,
  error,
  ...props
}: ComponentPropsWithoutRef<'textarea'> & { label: string; error?: string | undefined }) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...props}
      />
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function SelectField({
  label,
  children,
  ...props
}: ComponentPropsWithoutRef<'select'> & { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...props}>
        {children}
      </select>
    </div>
  );
}

/** Moves focus to the first invalid field of a form after a failed submit. */
export function focusFirstInvalid(form: HTMLFormElement | null) {
  const first = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  first?.focus();
}

/**
 * The one submit rule of every form: show the client-side errors (same bounds as the API);
 * with errors, move focus to the first invalid field once it is rendered; else send.
 */
export function submitIfValid<E extends object>(
  event: FormEvent,
  form: HTMLFormElement | null,
  errors: E,
  setErrors: (errors: E) => void,
  send: () => void,
) {
  event.preventDefault();
  setErrors(errors);
  if (hasErrors(errors)) {
    requestAnimationFrame(() => focusFirstInvalid(form));
    return;
  }
  send();
}
