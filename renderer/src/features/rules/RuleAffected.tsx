// Which messages a rule affected: those whose newest extraction fired it, with what it changed in
// each (from the traces). Each one opens in the inbox. Loaded again when the workspace changes (a
// re-run, a correction), since that moves which extraction is newest.
import { useEffect, useState } from 'react';
import type { ApiFailure, RuleMessages } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { formatValue } from '../../components/format';
import { useStores } from '../../stores';

export const RULE_AFFECTED_LIMIT = 50;

export function RuleAffected({ ruleId }: { ruleId: string }) {
  const { api, inbox, navigation } = useStores();
  const [result, setResult] = useState<RuleMessages | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      void api.listRuleMessages({ id: ruleId, limit: RULE_AFFECTED_LIMIT }).then(
        (r) => {
          if (!live) return;
          setResult(r);
          setFailure(null);
        },
        (err: unknown) => {
          if (live) setFailure(toFailure(err));
        },
      );
    load();
    const off = api.on('messagesChanged', load);
    return () => {
      live = false;
      off();
    };
  }, [api, ruleId]);

  const open = (messageId: string) => {
    inbox.getState().select(messageId);
    navigation.getState().go('inbox');
  };

  return (
    <section className="rule-affected" data-testid="rule-affected" aria-label={`Messages affected by ${ruleId}`}>
      <h3>Affected messages{result ? ` (${result.total.toLocaleString()})` : ''}</h3>
      {failure ? (
        <p className="field-error" role="alert">
          The affected messages could not be loaded: {failure.message}
        </p>
      ) : !result ? (
        <p className="muted">Loading…</p>
      ) : result.messages.length === 0 ? (
        <p className="muted">No message's latest extraction fired this rule. Re-run messages to apply it.</p>
      ) : (
        <ul className="rule-affected-list">
          {result.messages.map((m) => (
            <li key={m.messageId} data-testid="rule-affected-item" data-message-id={m.messageId}>
              <button type="button" className="link-button" onClick={() => open(m.messageId)}>
                {m.subject || m.messageId}
              </button>
              <div className="muted impact-preview-text">{m.preview}</div>
              <div className="rule-affected-change">
                {m.changed.length === 0
                  ? 'matched; the output already agreed'
                  : m.changed.map((c, i) => (
                      <span key={c.field}>
                        {i ? '; ' : ''}
                        <code>{c.field}</code>: {c.from === null ? <span className="null-value">null</span> : formatValue(c.from)} →{' '}
                        {c.to === null ? <span className="null-value">null</span> : formatValue(c.to)}
                      </span>
                    ))}
              </div>
            </li>
          ))}
        </ul>
      )}
      {result && result.total > result.messages.length ? (
        <p className="muted">
          Showing the newest {result.messages.length.toLocaleString()} of {result.total.toLocaleString()}.
        </p>
      ) : null}
    </section>
  );
}
