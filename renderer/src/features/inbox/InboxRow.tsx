import { memo } from 'react';
import type { MessageSummary } from '../../api/contract';
import { Chip, NullValue, StatusBadge, ValidityBadge } from '../../components/Badge';
import { StaleBadge } from './StaleBadge';
import './record.css';
import { formatCompact, formatDateTime, formatValue, senderName } from '../../components/format';

interface Props {
  message: MessageSummary;
  selected: boolean;
  /** Ticked for a bulk action (re-run). */
  checked?: boolean;
  fields: string[];
  onSelect: (id: string) => void;
  onToggle?: (id: string) => void;
}

export const InboxRow = memo(function InboxRow({ message, selected, checked = false, fields, onSelect, onToggle }: Props) {
  return (
    <div
      role="option"
      aria-selected={selected}
      id={`inbox-row-${message.id}`}
      className={`inbox-row${selected ? ' is-selected' : ''}`}
      data-testid="inbox-row"
      data-message-id={message.id}
      onClick={() => onSelect(message.id)}
    >
      <div className="inbox-row-line">
        {onToggle ? (
          <input
            type="checkbox"
            className="inbox-row-check"
            checked={checked}
            aria-label="Select for a bulk action"
            data-testid="inbox-row-check"
            onClick={(e) => e.stopPropagation()}
            onChange={() => onToggle(message.id)}
          />
        ) : null}
        <span className="inbox-row-sender">{senderName(message.sender)}</span>
        <time className="inbox-row-time" dateTime={message.receivedAt ?? undefined} title={formatDateTime(message.receivedAt)}>
          {formatCompact(message.receivedAt)}
        </time>
      </div>
      <div className="inbox-row-line inbox-row-text">
        {message.subject ? <span className="inbox-row-subject">{message.subject}</span> : null}
        <span className="inbox-row-preview">{message.preview}</span>
      </div>
      <div className="inbox-row-line inbox-row-badges">
        <StatusBadge status={message.status} />
        {message.regression ? (
          <span className="badge badge-regression" data-testid="regression-badge" title="A later run's answer disagrees with the person's answer">
            Regression
          </span>
        ) : null}
        <ValidityBadge valid={message.valid} />
        {message.confidence !== null ? (
          <span
            className={`confidence${message.confidence < 0.6 ? ' is-low' : ''}`}
            data-testid="row-confidence"
            title={message.reasons.length ? message.reasons.join('\n') : 'confidence'}
          >
            {Math.round(message.confidence * 100)}%
          </span>
        ) : null}
        {message.stale ? <StaleBadge /> : null}
        {message.output
          ? fields.map((name) => {
              const value = message.output?.[name];
              if (value === undefined) return null;
              return (
                <span key={name} className="inbox-row-field" data-field={name}>
                  {value === null ? <NullValue /> : <Chip title={name}>{formatValue(value)}</Chip>}
                </span>
              );
            })
          : null}
      </div>
      {message.reasons.length && (message.status === 'needs_review' || message.regression) ? (
        <div className="inbox-row-line inbox-row-reasons" data-testid="row-reasons">
          {message.reasons.join(' · ')}
        </div>
      ) : null}
    </div>
  );
});
