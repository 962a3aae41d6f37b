// Settings › Test connection: one tiny request to the endpoint typed above (saved or not), with the
// draft's model and the stored key, and what came back: whether it answers, and what it supports.
import { useSettings } from '../../stores';
import type { ConnectionReport } from '../../stores/settings';
import { hasPlaceholder } from './presets';

const yesNo = (v: boolean | null, unknown = 'not found out'): string => (v === null ? unknown : v ? 'yes' : 'no');

export function ConnectionTest({ baseURL, model, provider }: { baseURL: string; model: string; provider: 'embedded' | 'openai' }) {
  const testing = useSettings((s) => s.testing);
  const report = useSettings((s) => s.connection);
  const failure = useSettings((s) => s.connectionError);
  const test = useSettings((s) => s.testConnection);
  const placeholder = hasPlaceholder(baseURL);

  return (
    <div className="connection-test" data-testid="connection-test">
      <div className="form-actions">
        <button type="button" className="button" disabled={testing || placeholder} onClick={() => void test({ baseURL: baseURL.trim() })} data-testid="connection-test-button">
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <span className="muted">
          Sends one tiny request to {baseURL.trim() || 'OpenAI (https://api.openai.com/v1)'} asking for the model <strong data-testid="connection-model">{model || '(none)'}</strong>{' '}
          (the draft's, set in Rulebook › Model){provider === 'embedded' ? '; the draft uses the embedded provider now, so runs will not call it until you choose the OpenAI-compatible provider there' : ''}.
        </span>
      </div>
      {placeholder ? (
        <p className="field-error" data-testid="connection-placeholder">
          Fill in your Azure resource's name in the base URL first.
        </p>
      ) : null}
      {failure ? (
        <p className="field-error" role="alert" data-testid="connection-error">
          The test could not be made: {failure.message}
        </p>
      ) : null}
      {report ? <ConnectionResult report={report} /> : null}
    </div>
  );
}

function ConnectionResult({ report }: { report: ConnectionReport }) {
  return (
    <section className="connection-report" data-testid="connection-report" data-ok={String(report.ok)} aria-label="Connection test result">
      <p role="status" className={report.ok ? '' : 'field-error'} data-testid="connection-headline">
        {report.ok ? `Connected to ${report.baseURL} in ${report.latencyMs} ms.` : `Failed: ${report.error ?? 'the test did not complete'}`}
      </p>
      <dl className="facts">
        <div>
          <dt>Supports JSON schema</dt>
          <dd data-testid="connection-json-schema">{yesNo(report.supports.jsonSchema)}</dd>
        </div>
        <div>
          <dt>JSON mode</dt>
          <dd data-testid="connection-json-mode">{report.supports.jsonSchema === true ? 'not needed' : yesNo(report.supports.jsonMode)}</dd>
        </div>
        <div>
          <dt>Log-probabilities</dt>
          <dd data-testid="connection-logprobs">{yesNo(report.supports.logprobs)}</dd>
        </div>
        <div>
          <dt>Model that answered</dt>
          <dd data-testid="connection-answered-model">{report.answeredModel ?? '—'}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd data-testid="connection-latency">{report.latencyMs} ms</dd>
        </div>
      </dl>
      {report.checks.length ? (
        <ul className="connection-checks" data-testid="connection-checks">
          {report.checks.map((c) => (
            <li key={c.name} data-check={c.name} data-ok={String(c.ok)}>
              <strong>{c.name}</strong>: {c.ok === null ? '—' : c.ok ? 'yes' : 'no'} · {c.detail}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
