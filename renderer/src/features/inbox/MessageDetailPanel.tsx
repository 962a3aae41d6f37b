import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useMessageDetail } from '../../stores';
import { messageMarks } from '../review/highlight';
import { ReviewPanel } from '../review/ReviewPanel';
import { ExtractionHistory } from './ExtractionHistory';
import { MessageText } from './MessageText';

export function MessageDetailPanel() {
  const { id, detail, loading, error, reload } = useMessageDetail(
    useShallow((s) => ({ id: s.id, detail: s.detail, loading: s.loading, error: s.error, reload: s.reload })),
  );
  const marks = useMemo(() => (detail ? messageMarks(detail.message, detail.extraction?.trace.rulesFired ?? []) : undefined), [detail]);

  if (id === null) {
    return (
      <EmptyState title="No message open" testId="detail-empty">
        Choose a message in the list, or press <kbd>j</kbd> / <kbd>k</kbd>.
      </EmptyState>
    );
  }
  if (error) return <ErrorState title="The message could not be loaded" failure={error} onRetry={() => void reload()} />;
  if (!detail || detail.message.id !== id) return loading ? <Loading label="Opening the message…" /> : null;

  return (
    // Side by side, each column scrolling on its own: the message stays in view while the extraction
    // below it is edited and the rationale typed.
    <div className="detail" data-testid="message-detail" data-message-id={detail.message.id}>
      <div className="detail-message" data-testid="detail-message-column">
        <MessageText message={detail.message} marks={marks} />
      </div>
      <div className="detail-extraction" data-testid="detail-extraction-column">
        <ReviewPanel key={`${detail.message.id}:${detail.extraction?.id ?? 'none'}`} detail={detail} />
        {/* Its own horizontal scroll: a wide history table never widens the column (the form stays whole). */}
        <div className="detail-history">
          <ExtractionHistory detail={detail} />
        </div>
      </div>
    </div>
  );
}
