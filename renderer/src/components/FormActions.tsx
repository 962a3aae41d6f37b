// A form's or a dialog's footer: the failure of the last attempt (if any), the submit button with its
// busy label, and Cancel. Without onSubmit the button submits the form it stands in.
import type { ReactNode } from 'react';

/** A failure as a one-line alert; `prefix` goes before its message. Nothing without a failure. */
export function FailureAlert({ failure, prefix = '', testId }: { failure: { message: string } | null | undefined; prefix?: string; testId?: string }) {
  if (!failure) return null;
  return (
    <p className="field-error" role="alert" data-testid={testId}>
      {`${prefix}${failure.message}`}
    </p>
  );
}

export interface FormActionsProps {
  /** What the button says. */
  label: ReactNode;
  /** Its data-testid. */
  testId: string;
  onCancel: () => void;
  /** What the button says while busy; without it the label stays. */
  busyLabel?: ReactNode;
  busy?: boolean;
  /** Disabled for another reason than being busy. */
  disabled?: boolean;
  tone?: 'primary' | 'danger';
  /** A plain button calling this; without it a submit button. */
  onSubmit?: () => void;
  cancelLabel?: string;
  failure?: { message: string } | null;
  failureTestId?: string;
}

export function FormActions({ label, testId, onCancel, busyLabel, busy = false, disabled = false, tone = 'primary', onSubmit, cancelLabel = 'Cancel', failure, failureTestId }: FormActionsProps) {
  return (
    <>
      <FailureAlert failure={failure} testId={failureTestId} />
      <div className="form-actions">
        <button type={onSubmit ? 'button' : 'submit'} className={`button button-${tone}`} disabled={busy || disabled} onClick={onSubmit} data-testid={testId}>
          {busy && busyLabel !== undefined ? busyLabel : label}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
    </>
  );
}
