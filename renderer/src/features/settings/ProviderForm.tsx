import { useState, type FormEvent } from 'react';
import type { ApiArgs, ProviderSettings } from '../../api/contract';
import { useSettings } from '../../stores';

export function ProviderForm({ settings }: { settings: ProviderSettings }) {
  const update = useSettings((s) => s.update);
  const saving = useSettings((s) => s.saving);
  const saveError = useSettings((s) => s.saveError);
  const [provider, setProvider] = useState(settings.provider);
  const [baseURL, setBaseURL] = useState(settings.baseURL);
  const [model, setModel] = useState(settings.model);
  const [k, setK] = useState(String(settings.k));
  const [concurrency, setConcurrency] = useState(String(settings.concurrency));
  const [rate, setRate] = useState(String(settings.ratePerSecond ?? 0));
  const [saved, setSaved] = useState(false);

  const issueFor = (path: string) => saveError?.issues?.find((i) => i.path === path)?.message;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const patch: ApiArgs<'updateSettings'> = {};
    if (provider !== settings.provider) patch.provider = provider;
    if (baseURL.trim() !== settings.baseURL) patch.baseURL = baseURL.trim();
    if (model.trim() !== settings.model) patch.model = model.trim();
    if (Number(k) !== settings.k) patch.k = Number(k);
    if (Number(concurrency) !== settings.concurrency) patch.concurrency = Number(concurrency);
    if (Number(rate) !== (settings.ratePerSecond ?? 0)) patch.ratePerSecond = Number(rate);
    setSaved(false);
    if (Object.keys(patch).length === 0) return;
    setSaved(await update(patch));
  }

  const openai = provider === 'openai';
  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)} data-testid="settings-form" aria-label="Provider">
      <h3>Provider</h3>
      <label className="form-row">
        <span>Provider</span>
        <select className="input" value={provider} onChange={(e) => setProvider(e.target.value as ProviderSettings['provider'])} data-testid="settings-provider">
          <option value="embedded">Embedded (rules and precedents, no model)</option>
          <option value="openai">OpenAI-compatible endpoint</option>
        </select>
      </label>
      <label className="form-row">
        <span>Base URL</span>
        <input
          className="input"
          type="url"
          value={baseURL}
          placeholder="https://api.openai.com/v1"
          disabled={!openai}
          onChange={(e) => setBaseURL(e.target.value)}
          data-testid="settings-base-url"
        />
        {issueFor('baseURL') ? <span className="field-error">{issueFor('baseURL')}</span> : null}
      </label>
      <label className="form-row">
        <span>Model</span>
        <input className="input" value={model} disabled={!openai} onChange={(e) => setModel(e.target.value)} data-testid="settings-model" />
        {issueFor('model') ? <span className="field-error">{issueFor('model')}</span> : null}
      </label>
      <label className="form-row">
        <span>Precedents shown to the model (k)</span>
        <input className="input" type="number" min={0} max={50} value={k} onChange={(e) => setK(e.target.value)} data-testid="settings-k" />
        {issueFor('k') ? <span className="field-error">{issueFor('k')}</span> : null}
      </label>
      <label className="form-row">
        <span>Concurrency</span>
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
