import { useEffect, useRef } from 'react';

// Keyboard shortcuts (issue 10): single keys, off while typing in a field and with Ctrl, Alt
// or Meta held (the browser's and the system's own shortcuts), and while a dialog is open.

export type Shortcut = 'new-task' | 'search' | 'help';

export const SHORTCUTS: readonly { key: string; action: Shortcut; description: string }[] = [
  { key: 'n', action: 'new-task', description: 'New task (in a project)' },
  { key: '/', action: 'search', description: 'Search the board' },
  { key: '?', action: 'help', description: 'Show these shortcuts' },
];

/** The parts of a keyboard event a shortcut depends on. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
  target: EventTarget | null;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** Whether keys pressed on this element are typing (a field, a select, editable content). */
export function isTyping(target: EventTarget | null): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const element = target as { tagName?: unknown; isContentEditable?: unknown };
  return (
    (typeof element.tagName === 'string' && TYPING_TAGS.has(element.tagName.toUpperCase())) ||
    element.isContentEditable === true
  );
}

/** The shortcut a key press means, or `null` (typing, a modifier held, or no shortcut). */
export function shortcutOf(event: KeyPress): Shortcut | null {
  if (event.defaultPrevented || event.isComposing) return null;
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (isTyping(event.target)) return null;
  return SHORTCUTS.find((s) => s.key === event.key)?.action ?? null;
}

/** Runs `handler` when the shortcut is pressed (none while `handler` is null or a dialog is open). */
export function useShortcut(action: Shortcut, handler: (() => void) | null): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const run = latest.current;
      if (!run || shortcutOf(event) !== action) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      run();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [action]);
}
