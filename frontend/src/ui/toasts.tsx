import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { addToast, dismissToast, type Toast, type ToastInput } from './toastQueue';

/**
 * Toasts for transient notices (issue 10): fixed at the bottom of the screen, so a notice
 * never pushes the board down under the user's pointer. Notices go into a polite live region
 * that is always in the page (text added to a region that is itself new is not reliably read);
 * each problem is an alert of its own, which screen readers announce as it appears. A plain notice goes after a few seconds, but not while the
 * pointer or the focus is on it; one with an action (Undo) or a problem stays until dismissed
 * or replaced, so no timer takes the action away before the user got to it (WCAG 2.2.1).
 */
interface Toaster {
  show: (toast: ToastInput) => void;
  dismiss: (key: string) => void;
}

const ToastContext = createContext<Toaster | null>(null);

export function useToasts(): Toaster {
  const toaster = useContext(ToastContext);
  if (!toaster) throw new Error('useToasts() outside <ToastProvider>');
  return toaster;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  // The pointer or the focus on the toasts holds their timers.
  const [held, setHeld] = useState(false);
  const serial = useRef(0);
  const show = useCallback((input: ToastInput) => {
    serial.current += 1;
    const id = serial.current;
    setToasts((current) => addToast(current, input, id));
  }, []);
  const dismiss = useCallback(
    (key: string) => setToasts((current) => dismissToast(current, key)),
    [],
  );
  const toaster = useMemo(() => ({ show, dismiss }), [show, dismiss]);
  const notices = toasts.filter((t) => t.tone === 'notice');
  const problems = toasts.filter((t) => t.tone === 'problem');
  const view = (toast: Toast) => (
    <ToastView key={toast.id} toast={toast} held={held} onDismiss={() => dismiss(toast.key)} />
  );
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <section
        className="toasts"
        aria-label="Notifications"
        onPointerEnter={() => setHeld(true)}
        onPointerLeave={() => setHeld(false)}
        onFocus={() => setHeld(true)}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setHeld(false);
        }}
      >
        <div role="status">{notices.map(view)}</div>
        {/* A problem is an alert of its own: announced as it appears (alerts are). */}
        <div>{problems.map(view)}</div>
      </section>
    </ToastContext.Provider>
  );
}

function ToastView({
  toast,
  held,
  onDismiss,
}: {
  toast: Toast;
  held: boolean;
  onDismiss: () => void;
}) {
  const latest = useRef(onDismiss);
  latest.current = onDismiss;
  useEffect(() => {
    if (toast.timeoutMs === null || held) return;
    const timer = setTimeout(() => latest.current(), toast.timeoutMs);
    return () => clearTimeout(timer);
  }, [toast.timeoutMs, held]);
  return (
    <div
      className={toast.tone === 'problem' ? 'toast toast-problem' : 'toast'}
      role={toast.tone === 'problem' ? 'alert' : undefined}
    >
      <p>{toast.message}</p>
      {toast.action && (
        <button
          type="button"
          onClick={() => {
            toast.action?.run();
            onDismiss();
          }}
        >
          {toast.action.label}
          {toast.action.detail && <span className="visually-hidden"> {toast.action.detail}</span>}
        </button>
      )}
      <button type="button" className="button-secondary" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
