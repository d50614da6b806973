import { describe, expect, it } from 'vitest';
import { addToast, dismissToast, MAX_TOASTS, NOTICE_MS, type Toast } from './toastQueue';

const run = () => {};

describe('toast queue', () => {
  it('a plain notice times out; a problem or an action stays until dismissed', () => {
    const [notice] = addToast([], { key: 'a', message: 'Saved.' }, 1);
    const [problem] = addToast([], { key: 'b', message: 'No.', tone: 'problem' }, 2);
    const [undo] = addToast([], { key: 'c', message: 'Moved.', action: { label: 'Undo', run } }, 3);
    expect(notice?.timeoutMs).toBe(NOTICE_MS);
    expect(problem?.timeoutMs).toBeNull();
    expect(undo?.timeoutMs).toBeNull();
  });

  it('a toast replaces the one with its key, at the end', () => {
    let toasts: Toast[] = addToast([], { key: 'move', message: 'Moved A.' }, 1);
    toasts = addToast(toasts, { key: 'other', message: 'Saved.' }, 2);
    toasts = addToast(toasts, { key: 'move', message: 'Moved B.' }, 3);
    expect(toasts.map((t) => t.message)).toEqual(['Saved.', 'Moved B.']);
  });

  it('keeps the newest few, and dismisses by key', () => {
    let toasts: Toast[] = [];
    for (let i = 1; i <= MAX_TOASTS + 2; i += 1) {
      toasts = addToast(toasts, { key: `k${i}`, message: `m${i}` }, i);
    }
    expect(toasts.map((t) => t.key)).toEqual(['k3', 'k4', 'k5']);
    expect(dismissToast(toasts, 'k4').map((t) => t.key)).toEqual(['k3', 'k5']);
  });
});
