/**
 * Client-side validation with the API's own bounds (from the OpenAPI document: a unit test
 * checks these numbers against src/api/openapi.json, so they cannot drift silently).
 * The API still validates; its messages are shown when it disagrees.
 */

export const LIMITS = {
  email: { max: 320 },
  password: { min: 12, max: 128 },
  loginPassword: { min: 1, max: 128 },
  displayName: { min: 1, max: 100 },
  projectName: { min: 1, max: 100 },
  projectDescription: { max: 2000 },
  taskTitle: { min: 1, max: 200 },
  taskDescription: { max: 10000 },
  search: { max: 200 },
  filename: { min: 1, max: 255 },
  /** An attachment's size in bytes (AttachmentCreate.size_bytes): 25 MB. */
  attachmentBytes: { max: 26_214_400 },
} as const;

export type Errors<K extends string> = Partial<Record<K, string>>;

// Deliberately loose (the API's email-validator is the judge): one @, something on each side,
// a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter your email address.';
  if (v.length > LIMITS.email.max) return `Use at most ${LIMITS.email.max} characters.`;
  if (!EMAIL.test(v)) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

export function checkLength(
  value: string,
  bounds: { min?: number; max: number },
  what: string,
): string | undefined {
  const length = [...value].length; // code points, as the API counts
  const min = bounds.min ?? 0;
  if (min > 0 && value.trim().length === 0) return `Enter ${what}.`;
  if (length < min) return `${capitalise(what)} needs at least ${min} characters.`;
  if (length > bounds.max) return `${capitalise(what)} can have at most ${bounds.max} characters.`;
  return undefined;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function validateSignup(v: { email: string; password: string; displayName: string }) {
  return compact({
    email: checkEmail(v.email),
    displayName: checkLength(v.displayName, LIMITS.displayName, 'a display name'),
    password: checkLength(v.password, LIMITS.password, 'a password'),
  });
}

export function validateLogin(v: { email: string; password: string }) {
  return compact({
    email: checkEmail(v.email),
    password: checkLength(v.password, LIMITS.loginPassword, 'your password'),
  });
}

export function validatePasswordChange(v: { current: string; next: string; confirm: string }) {
  return compact({
    current: checkLength(v.current, LIMITS.loginPassword, 'your current password'),
    next: checkLength(v.next, LIMITS.password, 'a new password'),
    confirm: v.confirm !== v.next ? 'The two new passwords do not match.' : undefined,
  });
}

export function validateProject(v: { name: string; description: string }) {
  return compact({
    name: checkLength(v.name, LIMITS.projectName, 'a project name'),
    description: checkLength(v.description, LIMITS.projectDescription, 'a description'),
  });
}

export function validateTask(v: { title: string; description: string; dueDate: string }) {
  return compact({
    title: checkLength(v.title, LIMITS.taskTitle, 'a title'),
    description: checkLength(v.description, LIMITS.taskDescription, 'a description'),
    dueDate:
      v.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(v.dueDate)
        ? 'Use a date like 2030-12-31.'
        : undefined,
  });
}

export function validateInvite(v: { email: string }) {
  return compact({ email: checkEmail(v.email) });
}

function compact<K extends string>(errors: Record<K, string | undefined>): Errors<K> {
  const out: Errors<K> = {};
  for (const key of Object.keys(errors) as K[]) {
    if (errors[key] !== undefined) out[key] = errors[key];
  }
  return out;
}

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}
