// Provider settings. The API key field is write-only: the backend keeps the key, and this screen only
// learns whether one is stored.
import { useEffect } from 'react';
import { ErrorState, Loading } from '../../components/States';
import { useSettings, useStores } from '../../stores';
import { ApiKeyForm } from './ApiKeyForm';
import { ProviderForm } from './ProviderForm';

export function SettingsScreen() {
  const { settings: store } = useStores();
  const settings = useSettings((s) => s.settings);
  const error = useSettings((s) => s.error);
  useEffect(() => {
    void store.getState().load();
  }, [store]);

  if (error && !settings) return <ErrorState title="The settings could not be loaded" failure={error} onRetry={() => void store.getState().load()} />;
  if (!settings) return <Loading label="Loading settings…" />;
  return (
    <div className="page" data-testid="settings-screen">
      <header className="page-header">
        <h2>Settings</h2>
        <p className="muted">The model that extracts, and how much of the rulebook it is shown.</p>
      </header>
      <ProviderForm settings={settings} />
      <ApiKeyForm hasApiKey={settings.hasApiKey} />
    </div>
  );
}
