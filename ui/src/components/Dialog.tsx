// A modal dialog over the window: a confirmation, the shortcut cheat sheet. Escape or a
// click on the backdrop closes it; the keyboard stays inside it while it is open.

import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The buttons at the bottom, if any. */
  actions?: ReactNode;
  testId?: string;
  wide?: boolean;
}

export function Dialog({ title, onClose, children, actions, testId, wide }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement as HTMLElement | null;
    (dialog?.querySelector<HTMLElement>("[data-autofocus]") ?? dialog)?.focus();
    return () => before?.focus?.();
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    // The editor's shortcuts do not apply behind a dialog.
    e.stopPropagation();
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    } else if (e.key === "Tab") {
      const focusable = Array.from(ref.current?.querySelectorAll<HTMLElement>("button, input, select, textarea, [tabindex='0']") ?? []);
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  return (
    <div className="dialog-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        tabIndex={-1}
        className={`dialog${wide ? " dialog--wide" : ""}`}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <h2 className="dialog__title">{title}</h2>
        <div className="dialog__body">{children}</div>
        {actions && <div className="dialog__actions">{actions}</div>}
      </div>
    </div>
  );
}

/** "Are you sure?" with the consequence spelled out; the safe choice has the focus. */
export function ConfirmDialog({
  title,
  message,
  confirm,
  onConfirm,
  onCancel,
}: {
  title: string;
  message: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      testId="confirm-dialog"
      actions={
        <>
          <button type="button" className="button" data-autofocus data-testid="confirm-cancel" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--danger" data-testid="confirm-ok" onClick={onConfirm}>
            {confirm}
          </button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
