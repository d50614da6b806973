/** The toasts on screen, as data (ui/toasts.tsx shows them). */

export interface ToastAction {
  label: string;
  /** Read after the label by screen readers only, e.g. which move Undo undoes. */
  detail?: string;
  run: () => void;
}

export interface ToastInput {
  /** A new toast replaces the one with the same key (the last move's outcome, say). */
  key: string;
  message: string;
  /** `problem`: an alert, kept until dismissed. */
  tone?: 'notice' | 'problem';
  action?: ToastAction;
}

export interface Toast extends Required<Pick<ToastInput, 'key' | 'message' | 'tone'>> {
  id: number;
  action: ToastAction | undefined;
  /** null: stays until dismissed (a problem, or an action the user may still want). */
  timeoutMs: number | null;
}

/** How long a plain notice stays (the pointer or focus on it holds it longer). */
export const NOTICE_MS = 6_000;
/** The most toasts on screen at once: the oldest goes first. */
export const MAX_TOASTS = 3;

export function addToast(current: readonly Toast[], input: ToastInput, id: number): Toast[] {
  const tone = input.tone ?? 'notice';
  const toast: Toast = {
    id,
    key: input.key,
    message: input.message,
    tone,
    action: input.action,
    timeoutMs: tone === 'problem' || input.action ? null : NOTICE_MS,
  };
  const others = current.filter((t) => t.key !== input.key);
  return [...others, toast].slice(-MAX_TOASTS);
}

export function dismissToast(current: readonly Toast[], key: string): Toast[] {
  return current.filter((t) => t.key !== key);
}
