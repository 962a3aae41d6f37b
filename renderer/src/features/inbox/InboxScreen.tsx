// Inbox: the list of messages on the left, the open message beside its JSON and the "why" on the right.
// Narrow windows (about 1100 px and less) give the list less room (app.css), so the message and its
// extraction keep theirs.
import { useEffect } from 'react';
import { useKey } from '../../app/shortcuts';
import { useInbox, useRulebook, useStores } from '../../stores';
import { useDraftChanges } from '../rulebook/useDraftChanges';
import { PromoteHost } from '../review/PromoteHost';
import { undoLast } from '../review/ReviewPanel';
import { InboxFilters } from './InboxFilters';
import { InboxList } from './InboxList';
import { InboxToolbar } from './InboxToolbar';
import { MessageDetailPanel } from './MessageDetailPanel';

export function InboxScreen() {
  const { inbox, rulebook, messageDetail, review, toasts } = useStores();
  const selectedId = useInbox((s) => s.selectedId);
  const hasRulebook = useRulebook((s) => s.rulebook !== null);

  useEffect(() => {
    if (inbox.getState().total === null && !inbox.getState().loading) void inbox.getState().setFilters({});
  }, [inbox]);
  useEffect(() => {
    if (!hasRulebook && !rulebook.getState().loading) void rulebook.getState().load();
  }, [rulebook, hasRulebook]);
  useEffect(() => {
    void messageDetail.getState().open(selectedId);
  }, [messageDetail, selectedId]);
  // The schema the extraction is shown against follows the draft (a schema change makes extractions stale).
  useDraftChanges();

  useKey('inbox.next', () => inbox.getState().move(1));
  useKey('inbox.previous', () => inbox.getState().move(-1));
  useKey('inbox.close', () => inbox.getState().select(null));
  // Undo works with or without a message open (the last accept may have been the list's last message).
  useKey('review.undo', () => void undoLast(review, toasts));

  return (
    <div className="inbox">
      <section className="inbox-side" aria-label="Messages">
        <InboxToolbar />
        <InboxFilters />
        <InboxList />
      </section>
      <section className="inbox-detail" aria-label="Message">
        <MessageDetailPanel />
      </section>
      <PromoteHost />
    </div>
  );
}
