import type { ReviewStatus } from '../api/contract';

const STATUS_LABELS: Record<ReviewStatus, string> = {
  new: 'New',
  extracted: 'Extracted',
  needs_review: 'Needs review',
  corrected: 'Corrected',
  accepted: 'Accepted',
};

export function statusLabel(status: ReviewStatus): string {
  return STATUS_LABELS[status] ?? status;
}

export function StatusBadge({ status }: { status: ReviewStatus }) {
  return <span className={`badge badge-status-${status}`}>{statusLabel(status)}</span>;
}

export function ValidityBadge({ valid }: { valid: boolean | null }) {
  if (valid === null) return null;
  return valid ? <span className="badge badge-valid">Valid</span> : <span className="badge badge-invalid">Invalid</span>;
}

export function Chip({ children, tone, title }: { children: string; tone?: 'muted' | 'warn'; title?: string }) {
  return (
    <span className={`chip${tone ? ` chip-${tone}` : ''}`} title={title}>
      {children}
    </span>
  );
}

export function NullValue() {
  return <span className="null-value">null</span>;
}
