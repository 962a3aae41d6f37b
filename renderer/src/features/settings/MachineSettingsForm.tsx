// This machine's settings: the endpoint the OpenAI-compatible provider is reached at, how many
// messages a run extracts at once, and its rate limit. They stay on this machine; what the model is
// and how it is asked are the draft rulebook's (Rulebook › Model).
import { useState, type FormEvent } from 'react';
import type { ApiArgs, ProviderSettings } from '../../api/contract';
import { useSettings } from '../../stores';

export function MachineSettingsForm({ settings }: { settings: ProviderSettings }) {
  const update = useSettings((s) => s.update);
  const saving = useSettings((s) => s.saving);
  const saveError = useSettings((s) => s.saveError);
  const [baseURL, setBaseURL] = useState(settings.baseURL);
  const [concurrency, setConcurrency] = useState(String(settings.concurrency));
  const [rate, setRate] = useState(String(settings.ratePerSecond));
  const [saved, setSaved] = useState(false);

  const issueFor = (path: string) => saveError?.issues?.find((i) => i.path === path)?.message;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    // Only what changed is sent, so a save never rewrites a setting another window just changed.
    const patch: ApiArgs<'updateSettings'> = {};
    if (baseURL.trim() !== settings.baseURL) patch.baseURL = baseURL.trim();
    if (Number(concurrency) !== settings.concurrency) patch.concurrency = Number(concurrency);
    if (Number(rate) !== settings.ratePerSecond) patch.ratePerSecond = Number(rate);
    setSaved(false);
    if (Object.keys(patch).length === 0) return;
    setSaved(await update(patch));
  }

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)} data-testid="settings-form" aria-label="This machine">
      <h3>Endpoint and runs</h3>
      <label className="form-row">
        <span>Endpoint (base URL of an OpenAI-compatible server)</span>
        <input
          className="input"
          type="url"
          value={baseURL}
          placeholder="https://api.openai.com/v1"
          onChange={(e) => setBaseURL(e.target.value)}
          data-testid="settings-base-url"
        />
        <span className="muted">Used when the rulebook's provider is OpenAI-compatible. Empty: OpenAI's own endpoint.</span>
        {issueFor('baseURL') ? <span className="field-error">{issueFor('baseURL')}</span> : null}
      </label>
      <label className="form-row">
        <span>Concurrency (messages extracted at once during runs)</span>
        <input className="input" type="number" min={1} max={32} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} data-testid="settings-concurrency" />
        {issueFor('concurrency') ? <span className="field-error">{issueFor('concurrency')}</span> : null}
      </label>
      <label className="form-row">
        <span>Requests per second during runs (0: no limit)</span>
        <input className="input" type="number" min={0} max={1000} step="any" value={rate} onChange={(e) => setRate(e.target.value)} data-testid="settings-rate" />
        {issueFor('ratePerSecond') ? <span className="field-error">{issueFor('ratePerSecond')}</span> : null}
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving} data-testid="settings-save">
          Save
        </button>
        {saved ? <span className="muted" role="status">Saved.</span> : null}
        {saveError && !saveError.issues?.length ? (
          <span className="field-error" role="alert">
            {saveError.message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
