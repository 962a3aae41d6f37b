import { useShallow } from 'zustand/react/shallow';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useMessageDetail, useRulebook } from '../../stores';
import { ExtractionView } from './ExtractionView';
import { MessageText } from './MessageText';
import { WhyPanel } from './WhyPanel';

export function MessageDetailPanel() {
  const { id, detail, loading, error, reload } = useMessageDetail(
    useShallow((s) => ({ id: s.id, detail: s.detail, loading: s.loading, error: s.error, reload: s.reload })),
  );
  const rulebook = useRulebook((s) => s.rulebook);

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
    <div className="detail" data-testid="message-detail" data-message-id={detail.message.id}>
      <div className="detail-message">
        <MessageText message={detail.message} />
      </div>
      <div className="detail-extraction">
        <ExtractionView extraction={detail.extraction} schema={rulebook?.schema ?? null} />
        {detail.extraction ? <WhyPanel trace={detail.extraction.trace} rulebook={rulebook} /> : null}
      </div>
    </div>
  );
}
