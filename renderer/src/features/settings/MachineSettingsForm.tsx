// This machine's settings: the endpoint the OpenAI-compatible provider is reached at (typed, or from
// a preset) and its connection test, how many messages a run extracts at once, its rate limit, the
// review threshold and whether imported messages are extracted at once. They stay on this machine;
// what the model is and how it is asked are the draft rulebook's (Rulebook › Model).
import { useState, type FormEvent } from 'react';
import type { ApiArgs, ProviderSettings } from '../../api/contract';
import { useSettings, useStores } from '../../stores';
import { ConnectionTest } from './ConnectionTest';
import { ENDPOINT_PRESETS, hasPlaceholder, type EndpointPreset } from './presets';
import './settings.css';

export function MachineSettingsForm({ settings }: { settings: ProviderSettings }) {
  const update = useSettings((s) => s.update);
  const saving = useSettings((s) => s.saving);
  const saveError = useSettings((s) => s.saveError);
  const [baseURL, setBaseURL] = useState(settings.baseURL);
  const [concurrency, setConcurrency] = useState(String(settings.concurrency));
  const [rate, setRate] = useState(String(settings.ratePerSecond));
  const [threshold, setThreshold] = useState(String(settings.reviewThreshold));
  const [autoExtract, setAutoExtract] = useState(settings.autoExtractImports);
  const [logprobs, setLogprobs] = useState(settings.logprobs);
  const [preset, setPreset] = useState<EndpointPreset | null>(null);
  const [saved, setSaved] = useState(false);
  const { navigation } = useStores();

  const issueFor = (path: string) => saveError?.issues?.find((i) => i.path === path)?.message;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    // Only what changed is sent, so a save never rewrites a setting another window just changed.
    const patch: ApiArgs<'updateSettings'> = {};
    if (baseURL.trim() !== settings.baseURL) patch.baseURL = baseURL.trim();
    if (Number(concurrency) !== settings.concurrency) patch.concurrency = Number(concurrency);
    if (Number(rate) !== settings.ratePerSecond) patch.ratePerSecond = Number(rate);
    if (Number(threshold) !== settings.reviewThreshold) patch.reviewThreshold = Number(threshold);
    if (autoExtract !== settings.autoExtractImports) patch.autoExtractImports = autoExtract;
    if (logprobs !== settings.logprobs) patch.logprobs = logprobs;
    setSaved(false);
    if (Object.keys(patch).length === 0) return;
    setSaved(await update(patch));
  }

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)} data-testid="settings-form" aria-label="This machine">
      <h3>Endpoint and runs</h3>
      <div className="form-row" data-testid="settings-presets">
        <span>Presets</span>
        <div className="form-actions">
          {ENDPOINT_PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className={`button${preset?.id === p.id ? ' button-primary' : ''}`}
              data-testid={`settings-preset-${p.id}`}
              onClick={() => {
                setPreset(p);
                setBaseURL(p.baseURL);
                setSaved(false);
              }}
            >
              {p.label}
            </button>
          ))}
        </div>
        {preset ? (
          <span className="muted" data-testid="settings-preset-note">
            {preset.label}: {preset.note} Choose the model in{' '}
            <button type="button" className="link-button" onClick={() => navigation.getState().go('rulebook', 'model')}>
              Rulebook › Model
            </button>
            {preset.typicalModel ? ` (for example ${preset.typicalModel})` : ''}, and save here.
          </span>
        ) : null}
      </div>
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
        {hasPlaceholder(baseURL) ? <span className="field-error">Replace {'<resource>'} with your Azure resource's name.</span> : null}
        {issueFor('baseURL') ? <span className="field-error">{issueFor('baseURL')}</span> : null}
      </label>
      <ConnectionTest baseURL={baseURL} model={settings.model} provider={settings.provider} />
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
      <h3>Review and imports</h3>
      <label className="form-row">
        <span>Review threshold: messages the machine is less sure of than this go to Needs review</span>
        <span className="threshold-row">
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={Number.isFinite(Number(threshold)) ? Number(threshold) : 0}
            onChange={(e) => setThreshold(e.target.value)}
            aria-label="Review threshold (slider)"
            data-testid="settings-threshold-slider"
          />{' '}
          <input className="input input-narrow" type="number" min={0} max={1} step={0.01} value={threshold} onChange={(e) => setThreshold(e.target.value)} data-testid="settings-threshold" />
        </span>
        <span className="muted">0: nothing goes to review for being unsure; 1: everything the machine answers does.</span>
        {issueFor('reviewThreshold') ? <span className="field-error">{issueFor('reviewThreshold')}</span> : null}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={autoExtract} onChange={(e) => setAutoExtract(e.target.checked)} data-testid="settings-auto-extract" /> Extract imported messages automatically
        <span className="muted"> — otherwise the import offers to extract them with one click</span>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={logprobs} onChange={(e) => setLogprobs(e.target.checked)} data-testid="settings-logprobs" /> Ask the model for
        log-probabilities
        <span className="muted"> — how sure it was of each field lowers the confidence; a server that refuses them is asked again without</span>
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
