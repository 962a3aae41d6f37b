// Why the extractor answered as it did, from the trace: the model and rulebook, the cache, the
// precedents shown with their similarity, the rules that fired and what they changed, alias rewrites.
// Each precedent is one click away (in the Precedents screen, or the message it came from), and so
// is each rule (in the Rules screen).
import { useEffect } from 'react';
import type { DraftRulebook, JsonValue, Trace } from '../../api/contract';
import { formatValue } from '../../components/format';
import { useMessageDetail, usePrecedents, useStores } from '../../stores';
import { EMBEDDED_ANSWERS } from '../rulebook/provider';
import './record.css';

function Value({ value }: { value: JsonValue | undefined }) {
  if (value === undefined) return <span className="null-value">absent</span>;
  if (value === null) return <span className="null-value">null</span>;
  return <code>{formatValue(value)}</code>;
}

export function WhyPanel({ trace, rulebook }: { trace: Trace; rulebook: DraftRulebook | null }) {
  const rules = new Map((rulebook?.rules ?? []).map((r) => [r.id, r]));
  const precedents = new Map((rulebook?.precedents ?? []).map((p) => [p.id, p]));
  const { navigation, inbox, precedents: precedentStore } = useStores();
  const records = usePrecedents((s) => s.records);
  const loading = usePrecedents((s) => s.loading);
  const messageOf = new Map((records ?? []).map((p) => [p.id, p.messageId]));
  useEffect(() => {
    if (trace.precedents.length > 0 && records === null && !loading) void precedentStore.getState().load();
  }, [trace.precedents.length, records, loading, precedentStore]);
  // The answer of record this trace belongs to: its confidence, reasons, and whether the draft moved on.
  const extraction = useMessageDetail((s) => (s.detail?.extraction?.trace === trace ? s.detail.extraction : null));
  return (
    <section className="why" data-testid="why-panel" aria-label="Why">
      <header className="panel-header">
        <h2>Why</h2>
      </header>
      {extraction ? (
        <div className="why-confidence" data-testid="why-confidence">
          <p>
            {extraction.human ? (
              <>A person's answer ({extraction.trace.provider.model}): the answer of record.</>
            ) : extraction.confidence !== null ? (
              <>
                Confidence <strong data-testid="why-confidence-value">{Math.round(extraction.confidence * 100)}%</strong>
              </>
            ) : (
              <>No confidence was computed for this answer.</>
            )}
          </p>
          {extraction.reasons.length ? (
            <ul className="why-reasons" data-testid="why-reasons">
              {extraction.reasons.map((r, i) => (
                <li key={i} data-kind={r.kind}>
                  {r.text}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <dl className="why-facts">
        <div>
          <dt>Provider</dt>
          <dd data-testid="why-provider">{trace.provider.name}</dd>
        </div>
        <div>
          <dt>Model</dt>
          {/* The embedded provider is no model: its internal name is not shown as one. */}
          <dd data-testid="why-model">{trace.provider.name === 'embedded' ? `no model (${EMBEDDED_ANSWERS})` : trace.provider.model}</dd>
        </div>
        <div>
          <dt>Rulebook</dt>
          {/* Not the version it will publish as: the hash of the draft it ran under, and whether that is still the draft. */}
          <dd data-testid="why-rulebook">
            <span title={trace.rulebook.hash}>{trace.rulebook.hash.replace(/^sha256:/, '').slice(0, 12)}</span>{' '}
            {extraction ? (
              extraction.current ? (
                <span className="muted" data-testid="why-rulebook-current">
                  the draft as it is now
                </span>
              ) : (
                <span className="muted" data-testid="why-rulebook-current">
                  an earlier draft{rulebook?.published ? ` (last published: v${rulebook.published.version})` : ''}
                </span>
              )
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Cache</dt>
          <dd data-testid="why-cache">{trace.cacheHit ? 'hit' : 'miss'}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd data-testid="why-latency">{trace.latencyMs.toLocaleString()} ms</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{trace.attempts}</dd>
        </div>
        {trace.usage ? (
          <div>
            <dt>Tokens</dt>
            <dd>
              {trace.usage.promptTokens} in / {trace.usage.completionTokens} out
            </dd>
          </div>
        ) : null}
      </dl>

      <h3>Precedents shown</h3>
      {trace.precedents.length === 0 ? (
        <p className="muted">No precedent was close enough to show.</p>
      ) : (
        <ol className="why-list" data-testid="why-precedents">
          {trace.precedents.map((p) => {
            const precedent = precedents.get(p.id);
            return (
              <li key={p.id} data-precedent-id={p.id}>
                <span className="score" title="similarity">{p.score.toFixed(2)}</span> <code>{p.id}</code>
                {precedent ? <div className="why-snippet">{precedent.message.text.slice(0, 160)}</div> : null}
                {precedent?.rationale ? <div className="why-rationale">“{precedent.rationale}”</div> : null}
                <div className="why-links">
                  <button type="button" className="link-button" data-testid="why-precedent-open" onClick={() => navigation.getState().go('precedents', p.id)}>
                    Open precedent
                  </button>
                  {messageOf.get(p.id) ? (
                    <button type="button" className="link-button" data-testid="why-precedent-message" onClick={() => inbox.getState().select(messageOf.get(p.id) ?? null)}>
                      Open its message
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ol>
      )}

      <h3>Rules fired</h3>
      {trace.rulesFired.length === 0 ? (
        <p className="muted">No override rule applied.</p>
      ) : (
        <ol className="why-list" data-testid="why-rules">
          {trace.rulesFired.map((firing, i) => (
            <li key={`${firing.ruleId}-${i}`} data-rule-id={firing.ruleId}>
              <span className="badge">{firing.kind}</span>{' '}
              <button type="button" className="link-button" data-testid="why-rule-open" title="Open in Rules" onClick={() => navigation.getState().go('rules', firing.ruleId)}>
                <code>{firing.ruleId}</code>
              </button>
              {rules.get(firing.ruleId)?.rationale ? <div className="why-rationale">{rules.get(firing.ruleId)?.rationale}</div> : null}
              {firing.changed.length === 0 ? (
                <div className="muted">matched; the output already agreed</div>
              ) : (
                <ul className="why-changes">
                  {firing.changed.map((c, j) => (
                    <li key={j}>
                      <code>{c.field}</code>: <Value value={c.from} /> → <Value value={c.to} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}

      {trace.guidance.length > 0 ? (
        <>
          <h3>Guidance in the prompt</h3>
          <ul className="why-list" data-testid="why-guidance">
            {trace.guidance.map((id) => {
              const rule = rules.get(id);
              return (
                <li key={id}>
                  <code>{id}</code>
                  {rule?.kind === 'guidance' ? <div className="why-snippet">{rule.instruction}</div> : null}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}

      <h3>Alias rewrites</h3>
      {trace.aliases.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="why-list" data-testid="why-aliases">
          {trace.aliases.map((a, i) => (
            <li key={i}>
              {a.target === 'key' ? 'key' : <>value of <code>{a.field}</code></>}: <code>{a.from}</code> → <code>{a.to}</code>
              {a.ruleId ? <span className="muted"> (rule {a.ruleId})</span> : <span className="muted"> (schema)</span>}
            </li>
          ))}
        </ul>
      )}

      {trace.rawOutput !== null ? (
        <details className="why-raw">
          <summary>The model's answer as received</summary>
          <pre className="code">{trace.rawOutput}</pre>
        </details>
      ) : null}
    </section>
  );
}
