// This machine's settings: the API key (write-only) and where it is kept, the endpoint (presets, and a
// connection test), concurrency and rate limit, the review threshold, extracting imports. The
// model settings are the draft rulebook's and travel in it to production: this screen says where
// they are (Rulebook › Model) and which provider the draft uses, and edits none of it.
import { useEffect } from 'react';
import { ErrorState, Loading } from '../../components/States';
import { useApp, useSettings, useStores } from '../../stores';
import { providerLabel } from '../rulebook/provider';
import { ApiKeyForm } from './ApiKeyForm';
import { MachineSettingsForm } from './MachineSettingsForm';

export function SettingsScreen() {
  const { settings: store, navigation } = useStores();
  const settings = useSettings((s) => s.settings);
  const error = useSettings((s) => s.error);
  const host = useApp((s) => s.info?.host ?? null);
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  // The draft's provider and model are shown here: a change made elsewhere shows at once.
  useEffect(() => store.getState().followDraft(), [store]);

  if (error && !settings) return <ErrorState title="The settings could not be loaded" failure={error} onRetry={() => void store.getState().load()} />;
  if (!settings) return <Loading label="Loading settings…" />;
  return (
    <div className="page" data-testid="settings-screen">
      <header className="page-header">
        <h2>Settings</h2>
        <p className="muted">This machine's: the key and endpoint the model is reached with, and how fast runs go. They never travel in a rulebook.</p>
      </header>
      <section className="form" data-testid="settings-model-moved" aria-label="Model settings">
        <p>
          The provider, model, temperature, seed, k and max tokens are the rulebook's: they travel in it to production. This draft uses{' '}
          <strong data-testid="settings-draft-provider">{providerLabel(settings.provider, settings.model)}</strong>.
        </p>
        <button type="button" className="link-button" data-testid="settings-model-link" onClick={() => navigation.getState().go('rulebook', 'model')}>
          Edit them in Rulebook › Model
        </button>
      </section>
      <MachineSettingsForm settings={settings} />
      <ApiKeyForm hasApiKey={settings.hasApiKey} host={host} keyStorage={settings.keyStorage} />
    </div>
  );
}
