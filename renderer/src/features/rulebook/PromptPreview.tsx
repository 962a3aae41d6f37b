// The prompt as the model will see it, for a message: the one open in the inbox, one found by search,
// or a text typed in. The backend builds it with the pipeline's own code (previewPrompt). Messages
// are untrusted: everything here is shown as text (React escapes it), never as markup.
import { useEffect, useState } from 'react';
import type { PromptPreview as Preview } from '../../../../shared/src/api/records.js';
import type { ApiArgs, ApiFailure, DraftRulebook, MessageSummary } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useInbox, useStores } from '../../stores';
import { EMBEDDED_ANSWERS, providerLabel } from './provider';

type Source = 'open' | 'search' | 'text';
type Target = ApiArgs<'previewPrompt'>;
/** Search results offered to choose from. */
const SEARCH_LIMIT = 10;

export function PromptPreview({ rulebook, unsavedInstructions }: { rulebook: DraftRulebook; unsavedInstructions: boolean }) {
  const openId = useInbox((s) => s.selectedId);
  const [source, setSource] = useState<Source>('open');
  const [chosen, setChosen] = useState<Target | null>(null);
  const target: Target | null = source === 'open' ? (openId ? { messageId: openId } : null) : chosen;

  const pick = (next: Source) => {
    setSource(next);
    setChosen(null);
  };
  return (
    <div data-testid="prompt-preview-tab">
      <div className="prompt-sources" role="radiogroup" aria-label="Which message">
        <SourceOption value="open" current={source} onPick={pick} label="The message open in the inbox" />
        <SourceOption value="search" current={source} onPick={pick} label="Search for a message" />
        <SourceOption value="text" current={source} onPick={pick} label="Type a text" />
      </div>
      {source === 'search' ? <SearchPicker onPick={(messageId) => setChosen({ messageId })} /> : null}
      {source === 'text' ? <TextPicker onShow={(text) => setChosen({ text })} /> : null}
      {unsavedInstructions ? (
        <p className="field-error" data-testid="prompt-unsaved-note">
          The instructions have unsaved changes: this is the prompt of the saved draft. Save them to see them here.
        </p>
      ) : null}
      {target ? (
        <PromptFor target={target} rulebook={rulebook} />
      ) : (
        <p className="muted" data-testid="prompt-choose">
          {source === 'open' ? 'No message is open in the inbox: search for one, or type a text.' : 'Choose a message, or type a text.'}
        </p>
      )}
    </div>
  );
}

function SourceOption({ value, current, onPick, label }: { value: Source; current: Source; onPick: (s: Source) => void; label: string }) {
  return (
    <label>
      <input type="radio" name="prompt-source" checked={current === value} onChange={() => onPick(value)} data-testid={`prompt-source-${value}`} /> {label}
    </label>
  );
}

function SearchPicker({ onPick }: { onPick: (messageId: string) => void }) {
  const { api } = useStores();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<MessageSummary[]>([]);
  const [picked, setPicked] = useState<string | null>(null);
  const q = query.trim();
  useEffect(() => {
    if (!q) return;
    let live = true;
    // A short pause, so a search runs once typing stops rather than on every key.
    const timer = setTimeout(() => {
      api.listMessages({ search: q, limit: SEARCH_LIMIT }).then(
        (page) => live && setResults(page.items),
        () => live && setResults([]),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, q]);
  return (
    <div>
      <input className="input" type="search" placeholder="Search messages…" aria-label="Search messages" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="prompt-search" />
      <ul className="prompt-search-results">
        {(q ? results : []).map((m) => (
          <li key={m.id}>
            <button
              type="button"
              className={`button button-quiet${picked === m.id ? ' is-selected' : ''}`}
              aria-pressed={picked === m.id}
              data-testid="prompt-search-result"
              data-message-id={m.id}
              onClick={() => {
                setPicked(m.id);
                onPick(m.id);
              }}
            >
              <strong>{m.subject ?? '(no subject)'}</strong> <span className="muted">{m.preview}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function TextPicker({ onShow }: { onShow: (text: string) => void }) {
  const [text, setText] = useState('');
  return (
    <div className="form-row">
      <textarea className="input" rows={4} aria-label="A message's text" value={text} maxLength={20_000} onChange={(e) => setText(e.target.value)} data-testid="prompt-text" />
      <div>
        <button type="button" className="button" disabled={!text.trim()} onClick={() => onShow(text)} data-testid="prompt-text-show">
          Show the prompt for this text
        </button>
      </div>
    </div>
  );
}

function PromptFor({ target, rulebook }: { target: Target; rulebook: DraftRulebook }) {
  const { api } = useStores();
  const key = JSON.stringify(target);
  // What was answered, and for which target: an answer for another target is not shown.
  const [answer, setAnswer] = useState<{ key: string; preview: Preview | null; error: ApiFailure | null } | null>(null);
  const [subject, setSubject] = useState<{ key: string; text: string } | null>(null);
  useEffect(() => {
    let live = true;
    const args = JSON.parse(key) as Target;
    // Asked again when the draft changes (a save, an undo): the preview is of the draft as it is.
    api.previewPrompt(args).then(
      (preview) => live && setAnswer({ key, preview, error: null }),
      (e: unknown) => live && setAnswer({ key, preview: null, error: toFailure(e) }),
    );
    if ('messageId' in args) {
      api.getMessage({ id: args.messageId }).then(
        (d) => live && setSubject({ key, text: d.message.subject ?? d.message.text.slice(0, 80) }),
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [api, key, rulebook]);

  const current = answer?.key === key ? answer : null;
  if (current?.error) return <p className="field-error" role="alert">{current.error.message}</p>;
  const preview = current?.preview;
  if (!preview) return <p className="muted">Building the prompt…</p>;
  const examples = preview.precedents;
  // Examples are shown most similar last (nearest the message); `precedents` is most similar first.
  const roleOf = (i: number): string => {
    if (i === 0) return 'System';
    if (i === preview.messages.length - 1) return 'User — the message';
    const pair = Math.floor((i - 1) / 2);
    const example = examples[examples.length - 1 - pair];
    const name = example ? `example ${examples.length - pair} (${example.id})` : `example ${pair + 1}`;
    return (i - 1) % 2 === 0 ? `User — ${name}` : `Assistant — the right answer for ${name}`;
  };
  return (
    <section data-testid="prompt-preview" aria-label="The prompt">
      {'messageId' in target ? (
        <p data-testid="prompt-source-message">
          Message: <strong>{subject?.key === key ? subject.text : target.messageId}</strong>
        </p>
      ) : null}
      <p data-testid="prompt-provider">
        {preview.provider === 'embedded'
          ? `Provider: ${providerLabel('embedded', null)}. It sends no prompt: it ${EMBEDDED_ANSWERS}. This is what an OpenAI-compatible model would be sent.`
          : `Sent to ${providerLabel(preview.provider, preview.model)}.`}
      </p>
      <h4>Messages</h4>
      <ol className="prompt-messages">
        {preview.messages.map((m, i) => (
          <li key={i} data-testid="prompt-message" data-role={m.role}>
            <div className="prompt-role">{roleOf(i)}</div>
            <pre className="code" data-testid="prompt-message-content">
              {m.content}
            </pre>
          </li>
        ))}
      </ol>
      <h4>Examples retrieval picked ({examples.length}, most similar first)</h4>
      {examples.length === 0 ? (
        <p className="muted">None: no precedent, or k is 0.</p>
      ) : (
        <ol className="prompt-examples">
          {examples.map((p) => (
            <li key={p.id} data-testid="prompt-example" data-precedent-id={p.id}>
              <span className="score" title="similarity">
                {p.score.toFixed(2)}
              </span>{' '}
              <code>{p.id}</code> <span className="muted">{p.preview}</span>
            </li>
          ))}
        </ol>
      )}
      <h4>The JSON schema sent for structured output</h4>
      <pre className="code" data-testid="prompt-schema">
        {JSON.stringify(preview.jsonSchema, null, 2)}
      </pre>
    </section>
  );
}
