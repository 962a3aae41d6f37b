import { memo } from 'react';
import type { MessageSummary } from '../../api/contract';
import { Chip, NullValue, StatusBadge, ValidityBadge } from '../../components/Badge';
import { StaleBadge } from './StaleBadge';
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
        <ValidityBadge valid={message.valid} />
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
    </div>
  );
});
