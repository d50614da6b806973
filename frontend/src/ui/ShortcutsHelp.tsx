import { type KeyboardEvent, useLayoutEffect, useRef, useState } from 'react';
import { SHORTCUTS, useShortcut } from './shortcuts';

/**
 * "?" opens the list of keyboard shortcuts: a modal dialog (the page behind is inert), focus
 * kept inside it, closed by Escape or "Close", and focus back where it was.
 */
export function ShortcutsHelp() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useShortcut('help', () => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen(true);
  });
  useLayoutEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  const onClose = () => {
    setOpen(false);
    opener.current?.focus();
    opener.current = null;
  };
  // Tab and Shift+Tab go round the dialog's own controls.
  const trapFocus = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab') return;
    const focusable = Array.from(
      event.currentTarget.querySelectorAll<HTMLElement>('button, a[href], [tabindex="0"]'),
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    const active = document.activeElement;
    if (event.shiftKey ? active === first : active === last) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    } else if (!event.currentTarget.contains(active)) {
      event.preventDefault();
      first.focus();
    }
  };
  if (!open) return null;
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      onKeyDown={trapFocus}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.key}>
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{s.description}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">They do nothing while you type in a field.</p>
      <button type="button" onClick={() => dialog.current?.close()}>
        Close
      </button>
    </dialog>
  );
}
