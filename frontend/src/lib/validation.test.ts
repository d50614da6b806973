import { describe, expect, it } from 'vitest';
import document from '../api/openapi.json';
import {
  checkEmail,
  LIMITS,
  validateLogin,
  validatePasswordChange,
  validateProject,
  validateSignup,
  validateTask,
} from './validation';

type Schema = {
  properties: Record<
    string,
    { minLength?: number; maxLength?: number; anyOf?: { minLength?: number; maxLength?: number }[] }
  >;
};
const schemas = (document as unknown as { components: { schemas: Record<string, Schema> } })
  .components.schemas;
function bounds(schema: string, property: string) {
  const p = schemas[schema]?.properties[property];
  const s = p?.anyOf?.find((x) => x.maxLength !== undefined) ?? p;
  return { min: s?.minLength, max: s?.maxLength };
}

describe('the client-side bounds are the API bounds', () => {
  it.each([
    ['SignupRequest', 'email', LIMITS.email],
    ['InvitationCreate', 'email', LIMITS.email],
    ['SignupRequest', 'password', LIMITS.password],
    ['SignupRequest', 'display_name', LIMITS.displayName],
    ['LoginRequest', 'password', LIMITS.loginPassword],
    ['ChangePasswordRequest', 'new_password', LIMITS.password],
    ['ProjectCreate', 'name', LIMITS.projectName],
    ['ProjectCreate', 'description', LIMITS.projectDescription],
    ['ProjectUpdate', 'name', LIMITS.projectName],
    ['TaskCreate', 'title', LIMITS.taskTitle],
    ['TaskCreate', 'description', LIMITS.taskDescription],
    ['TaskUpdate', 'title', LIMITS.taskTitle],
    ['AttachmentCreate', 'filename', LIMITS.filename],
  ] as const)('%s.%s', (schema, property, limits) => {
    const api = bounds(schema, property);
    expect(api.max).toBe(limits.max);
    expect(api.min ?? 0).toBe('min' in limits ? limits.min : 0);
  });
});

describe('the attachment size bound is the API bound', () => {
  it('AttachmentCreate.size_bytes', () => {
    const properties = schemas.AttachmentCreate?.properties as unknown as
      | Record<string, { maximum?: number }>
      | undefined;
    expect(properties?.size_bytes?.maximum).toBe(LIMITS.attachmentBytes.max);
  });
});

describe('form validation', () => {
  it('checks emails loosely, leaving the rest to the API', () => {
    expect(checkEmail('')).toMatch(/Enter your email/);
    expect(checkEmail('nope')).toMatch(/valid email/);
    expect(checkEmail(`${'a'.repeat(315)}@x.com`)).toMatch(/at most 320/);
    expect(checkEmail(' ada@example.com ')).toBeUndefined();
  });

  it('bounds signup fields like the API', () => {
    expect(validateSignup({ email: 'a@b.co', displayName: 'A', password: 'x'.repeat(12) })).toEqual(
      {},
    );
    const errors = validateSignup({ email: 'a@b.co', displayName: ' ', password: 'x'.repeat(11) });
    expect(errors.displayName).toBe('Enter a display name.');
    expect(errors.password).toBe('A password needs at least 12 characters.');
    expect(
      validateSignup({ email: 'a@b.co', displayName: 'A', password: 'x'.repeat(129) }).password,
    ).toMatch(/at most 128/);
  });

  it('counts characters as the API does (code points, not UTF-16 units)', () => {
    expect(validateProject({ name: '😀'.repeat(100), description: '' })).toEqual({});
    expect(validateProject({ name: '😀'.repeat(101), description: '' }).name).toMatch(
      /at most 100/,
    );
  });

  it('checks login, password change and task forms', () => {
    expect(validateLogin({ email: 'a@b.co', password: '' }).password).toBe('Enter your password.');
    expect(
      validatePasswordChange({ current: 'x', next: 'y'.repeat(12), confirm: 'z' }).confirm,
    ).toMatch(/do not match/);
    expect(validateTask({ title: '', description: '', dueDate: '' }).title).toBe('Enter a title.');
    expect(validateTask({ title: 't', description: '', dueDate: '31/12/2030' }).dueDate).toMatch(
      /2030-12-31/,
    );
    expect(
      validateTask({ title: 't', description: 'd'.repeat(10001), dueDate: '' }).description,
    ).toMatch(/at most 10000/);
  });
});
