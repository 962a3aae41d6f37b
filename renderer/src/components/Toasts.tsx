// The toasts: short notices, some with one action (Undo after a delete, Promote after a correction).
import { useStores, useToasts } from '../stores';

export function Toasts() {
  const { toasts: store } = useStores();
  const toasts = useToasts((s) => s.toasts);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast${t.tone === 'error' ? ' toast-error' : ''}`} data-testid="toast">
          <span>{t.message}</span>
          {t.action ? (
            <button
              type="button"
              className="button button-small"
              data-testid={t.action.label === 'Undo' ? 'toast-undo' : 'toast-action'}
              onClick={() => {
                store.getState().dismiss(t.id);
                void t.action?.run();
              }}
            >
              {t.action.label}
            </button>
          ) : null}
          <button type="button" className="button button-quiet button-small" aria-label="Dismiss" onClick={() => store.getState().dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
