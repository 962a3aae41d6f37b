// The message as TEXT. Every incoming message is untrusted: it is only ever rendered as React text
// children (escaped by React), never as HTML. A message carrying <script> shows those characters.
// The spans that rules matched are <mark> elements around slices of that text.
import type { MessageRecord } from '../../api/contract';
import { formatDateTime } from '../../components/format';
import type { MessageMarks } from '../review/highlight';
import { Marked } from '../review/Marked';

const NO_MARKS: MessageMarks = { subject: [], body: [] };

export function MessageText({ message, marks = NO_MARKS }: { message: MessageRecord; marks?: MessageMarks }) {
  return (
    <article className="message" data-testid="message-text" aria-label="Message">
      <header className="message-header">
        <h2 className="message-subject" data-testid="message-subject">
          {message.subject ? <Marked text={message.subject} marks={marks.subject} /> : <span className="muted">(no subject)</span>}
        </h2>
        <dl className="message-meta">
          <div>
            <dt>From</dt>
            <dd data-testid="message-sender">{message.sender || <span className="muted">unknown</span>}</dd>
          </div>
          <div>
            <dt>Received</dt>
            <dd>
              <time dateTime={message.receivedAt ?? undefined}>{formatDateTime(message.receivedAt)}</time>
            </dd>
          </div>
          <div>
            <dt>Source</dt>
            <dd>{message.source}</dd>
          </div>
        </dl>
      </header>
      <div className="message-body" data-testid="message-body">
        <Marked text={message.text} marks={marks.body} />
      </div>
      {message.context && message.context.length > 0 ? (
        <section className="message-context" aria-label="Earlier messages">
          <h3>Earlier in the conversation</h3>
          {message.context.map((text, i) => (
            <div key={i} className="message-body message-body-context">
              {text}
            </div>
          ))}
        </section>
      ) : null}
    </article>
  );
}
