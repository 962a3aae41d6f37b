// Inbox: the list of messages on the left, the open message beside its JSON and the "why" on the right.
import { useEffect } from 'react';
import { useShortcut } from '../../app/shortcuts';
import { useInbox, useRulebook, useStores } from '../../stores';
import { useDraftChanges } from '../rulebook/useDraftChanges';
import { PromoteHost } from '../review/PromoteHost';
import { InboxFilters } from './InboxFilters';
import { InboxList } from './InboxList';
import { InboxToolbar } from './InboxToolbar';
import { MessageDetailPanel } from './MessageDetailPanel';

export function InboxScreen() {
  const { inbox, rulebook, messageDetail } = useStores();
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

  useShortcut('j', 'Next message', () => inbox.getState().move(1), 'Inbox');
  useShortcut('k', 'Previous message', () => inbox.getState().move(-1), 'Inbox');
  useShortcut('Escape', 'Close the message', () => inbox.getState().select(null), 'Inbox');

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
