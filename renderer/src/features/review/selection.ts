/** The text selected inside the open message (subject or body), or '' when the selection is elsewhere. */
export function selectedMessageText(doc: Document = document): string {
  const sel = doc.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return '';
  const node = sel.anchorNode;
  const el = node instanceof Element ? node : node?.parentElement;
  if (!el?.closest('[data-testid="message-text"]')) return '';
  return sel.toString().replace(/\s+/g, ' ').trim().slice(0, 500);
}
