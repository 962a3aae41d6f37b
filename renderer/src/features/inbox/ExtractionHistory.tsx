// A message's extractions, newest first, with the answer of record marked (issue 10), and, when a
// later machine answer disagrees with the person's, both side by side with the two ways to settle
// it: keep the person's answer, or use the machine's (the one explicit way it replaces theirs).
import { useEffect, useState } from 'react';
import type { ApiFailure, ExtractionHistoryItem, JsonValue, MessageDetail } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { formatCompact, formatDateTime, formatValue } from '../../components/format';
import { useStores } from '../../stores';
import './record.css';

const short = (hash: string) => hash.replace(/^sha256:/, '').slice(0, 10);
const shown = (v: JsonValue | undefined) => (v === undefined ? 'absent' : v === null ? 'null' : formatValue(v));

export function ExtractionHistory({ detail }: { detail: MessageDetail }) {
  const { api, messageDetail } = useStores();
  const [items, setItems] = useState<ExtractionHistoryItem[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const messageId = detail.message.id;
  const recordId = detail.extraction?.id ?? null;
  const regressionId = detail.regression?.extraction.id ?? null;

  useEffect(() => {
    let live = true;
    api.listExtractions({ messageId }).then(
      (h) => {
        if (!live) return;
        setItems(h);
        setFailure(null);
      },
      (err: unknown) => {
        if (live) setFailure(toFailure(err));
      },
    );
    return () => {
      live = false;
    };
  }, [api, messageId, recordId, regressionId]);

  const settle = async (work: () => Promise<MessageDetail>) => {
    setBusy(true);
    try {
      const d = await work();
      // The inbox and the counts follow the messagesChanged event the backend sends.
      messageDetail.getState().show(d);
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const regression = detail.regression;
  const record = detail.extraction;
  return (
    <section className="history" aria-label="History" data-testid="extraction-history">
      {regression && record ? (
        <div className="regression" role="alert" data-testid="regression">
          <strong>A later answer disagrees with the person's answer</strong> ({regression.fields.join(', ')}). The person's answer stays the answer of record until you choose.
          <div className="regression-sides">
            {[
              { title: "The person's answer (record)", output: record.output, testId: 'regression-record' },
              { title: `${regression.extraction.trace.provider.name} · ${formatDateTime(regression.extraction.createdAt)}`, output: regression.extraction.output, testId: 'regression-machine' },
            ].map((side) => (
              <div key={side.testId} data-testid={side.testId}>
                <h4>{side.title}</h4>
                <table>
                  <tbody>
                    {Object.keys({ ...record.output, ...regression.extraction.output }).map((field) => (
                      <tr key={field} className={regression.fields.includes(field) ? 'is-different' : ''}>
                        <td>{field}</td>
                        <td>{shown(side.output[field])}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </div>
          <div className="regression-actions">
            <button type="button" className="button" disabled={busy} data-testid="keep-record" onClick={() => void settle(() => api.dismissRegression({ messageId }))}>
              Keep the person's answer
            </button>
            <button
              type="button"
              className="button button-quiet"
              disabled={busy || !regression.extraction.valid}
              data-testid="adopt-machine"
              onClick={() => void settle(() => api.adoptExtraction({ messageId, extractionId: regression.extraction.id }))}
            >
              Use the later answer
            </button>
          </div>
        </div>
      ) : null}
      <h3>History</h3>
      {failure ? <p className="error-text">{failure.message}</p> : null}
      {items === null ? null : items.length === 0 ? (
        <p className="muted">Not extracted yet.</p>
      ) : (
        <table className="history-table" data-testid="history-table">
          <thead>
            <tr>
              <th>When</th>
              <th>By</th>
              <th>Rulebook</th>
              <th>Confidence</th>
              <th>Differs from the record</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} className={e.isRecord ? 'is-record' : ''} data-testid="history-row" data-record={e.isRecord ? 'true' : 'false'} data-human={e.human ? 'true' : 'false'}>
                <td title={formatDateTime(e.createdAt)}>{formatCompact(e.createdAt)}</td>
                <td>{e.human ? `${e.model} (person)` : `${e.provider}${e.provider === 'embedded' ? '' : ` · ${e.model}`}`}</td>
                <td title={e.rulebookHash}>
                  {short(e.rulebookHash)}
                  {e.current ? ' (current)' : ''}
                </td>
                <td>{e.confidence === null ? '—' : `${Math.round(e.confidence * 100)}%`}</td>
                <td className={e.differsFromRecord.length ? 'history-differs' : ''}>
                  {e.isRecord ? 'the record' : e.differsFromRecord.length ? e.differsFromRecord.join(', ') : e.valid ? 'agrees' : 'invalid'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
