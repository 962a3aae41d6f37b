// The draft's model settings: the provider (embedded: no model; OpenAI-compatible: a model name),
// temperature, seed, k and max tokens. Each input is checked beside itself; what is typed and not
// saved stays in the rulebook store across tabs. These are the rulebook's: they travel in it to
// production. The endpoint and the key are this machine's (Settings).
import { useState, type FormEvent, type ReactNode } from 'react';
import type { DraftRulebook } from '../../api/contract';
import { useRulebook, useStores } from '../../stores';
import type { ModelSettingsInput } from '../../stores/rulebook';
import { changeOf, inputOf, keyOfIssue, problemsOf, type SettingKey } from './modelSettingsInput';
import { EMBEDDED_ANSWERS } from './provider';
import { useDraftChanges } from './useDraftChanges';
import './editors.css';

export function ModelSettingsEditor({ rulebook }: { rulebook: DraftRulebook }) {
  const { rulebook: store, navigation } = useStores();
  const unsaved = useRulebook((s) => s.unsavedSettings);
  const saving = useRulebook((s) => s.saving === 'settings');
  const saveError = useRulebook((s) => (s.saveError?.part === 'settings' ? s.saveError.failure : null));
  const [justSaved, setJustSaved] = useState(false);
  useDraftChanges();

  const saved = rulebook.settings;
  const input = unsaved ?? inputOf(saved);
  const problems = problemsOf(input);
  const valid = Object.keys(problems).length === 0;
  const change = valid ? changeOf(saved, input) : null;
  // The backend's refusal, by input; one it cannot place is shown under the form.
  const refused: Partial<Record<SettingKey, string>> = {};
  for (const issue of saveError?.issues ?? []) {
    const key = keyOfIssue(issue.path);
    if (key) refused[key] = issue.message;
  }
  const unplaced = saveError && Object.keys(refused).length === 0 ? saveError.message : null;

  function set(patch: Partial<ModelSettingsInput>) {
    setJustSaved(false);
    const next = { ...input, ...patch };
    store.getState().setUnsavedSettings(JSON.stringify(next) === JSON.stringify(inputOf(saved)) ? null : next);
  }
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!change || saving) return;
    setJustSaved(await store.getState().updateDraft('settings', { settings: change }));
  }
  const error = (key: SettingKey) => problems[key] ?? refused[key];
  const openai = input.provider === 'openai';

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)} data-testid="model-settings" aria-label="Model settings" noValidate>
      <h3>Model settings</h3>
      <p className="muted model-note" data-testid="model-travels">
        These settings are part of the rulebook: they travel in the rulebook to production, where the runtime asks the model exactly this way. The endpoint and the API
        key are this machine's:{' '}
        <button type="button" className="link-button" onClick={() => navigation.getState().go('settings')}>
          Settings
        </button>
        .
      </p>
      <Row label="Provider" error={error('provider')}>
        <select className="input" value={input.provider} onChange={(e) => set({ provider: e.target.value as ModelSettingsInput['provider'] })} data-testid="model-provider">
          <option value="embedded">Embedded — no model</option>
          <option value="openai">OpenAI-compatible endpoint</option>
        </select>
        <span className="muted" data-testid="model-provider-explained">
          {openai ? 'Asks the model named below at the endpoint set in Settings (OpenAI, Azure, Ollama, vLLM, llama.cpp…).' : `No model: it ${EMBEDDED_ANSWERS}. Nothing leaves this machine.`}
        </span>
      </Row>
      {openai ? (
        <Row label="Model" error={error('model')}>
          <input className="input" value={input.model} maxLength={200} onChange={(e) => set({ model: e.target.value })} data-testid="model-name" />
        </Row>
      ) : null}
      <Row label="Precedents shown as examples (k)" error={error('k')} hint={openai ? undefined : 'The embedded provider weighs more precedents than it would show.'}>
        <input className="input" type="number" min={0} max={50} step={1} value={input.k} onChange={(e) => set({ k: e.target.value })} data-testid="model-k" />
      </Row>
      <Row label="Temperature (0 to 2)" error={error('temperature')} hint={openai ? undefined : 'Used by a model; the embedded provider has none.'}>
        <input className="input" type="number" min={0} max={2} step="any" value={input.temperature} onChange={(e) => set({ temperature: e.target.value })} data-testid="model-temperature" />
      </Row>
      <Row label="Seed" error={error('seed')}>
        <input className="input" type="number" min={0} step={1} value={input.seed} onChange={(e) => set({ seed: e.target.value })} data-testid="model-seed" />
      </Row>
      <Row label="Max tokens of an answer (empty: no limit)" error={error('maxTokens')}>
        <input className="input" type="number" min={1} max={100000} step={1} value={input.maxTokens} onChange={(e) => set({ maxTokens: e.target.value })} data-testid="model-max-tokens" />
      </Row>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!change || saving} data-testid="model-save">
          Save model settings
        </button>
        {unsaved ? (
          <>
            <span className="unsaved-dot" data-testid="model-unsaved">
              Unsaved changes
            </span>
            <button type="button" className="button" disabled={saving} onClick={() => store.getState().setUnsavedSettings(null)} data-testid="model-revert">
              Discard changes
            </button>
          </>
        ) : null}
        {justSaved && !unsaved ? (
          <span className="muted" role="status" data-testid="model-status">
            Saved.
          </span>
        ) : null}
        {unplaced ? (
          <span className="field-error" role="alert">
            {unplaced}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function Row({ label, error, hint, children }: { label: string; error: string | undefined; hint?: string | undefined; children: ReactNode }) {
  return (
    <label className="form-row">
      <span>{label}</span>
      {children}
      {hint ? <span className="muted">{hint}</span> : null}
      {error ? <span className="field-error">{error}</span> : null}
    </label>
  );
}
