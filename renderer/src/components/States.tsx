// Empty, loading and error states, the same everywhere.
import type { ReactNode } from 'react';
import type { ApiFailure } from '../api/contract';

export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="state state-empty" data-testid={testId ?? 'empty-state'}>
      <p className="state-title">{title}</p>
      {children ? <div className="state-body">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ failure, onRetry, title = 'Something went wrong' }: { failure: ApiFailure | { message: string }; onRetry?: () => void; title?: string }) {
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <p className="state-title">{title}</p>
      <p className="state-body">{failure.message}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry} data-testid="retry-button">
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
