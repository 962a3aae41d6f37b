// A modal dialog: Escape or the close button closes it, focus moves in and comes back. Escape works
// wherever the focus is (a step of the dialog may have removed the focused element); only the topmost
// dialog takes it, and the window's shortcuts do not see it.
import { useEffect, useRef, type ReactNode } from 'react';

const open: symbol[] = [];

export function Dialog({ title, onClose, children, testId, wide }: { title: string; onClose: () => void; children: ReactNode; testId?: string; wide?: boolean }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const me = Symbol('dialog');
    open.push(me);
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || open.at(-1) !== me) return;
      e.preventDefault();
      e.stopPropagation();
      onCloseRef.current();
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      open.splice(open.indexOf(me), 1);
      previous?.focus?.();
    };
  }, []);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className={`dialog${wide ? ' dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="dialog-header">
          <h2>{title}</h2>
          <button ref={closeRef} type="button" className="button button-quiet" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
      </div>
    </div>
  );
}
