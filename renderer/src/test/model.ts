// A scripted OpenAI-compatible model (shared/testkit) for a test's backend: runs then ask it, through
// the real provider, instead of the embedded one. Closed after the test, once the backend is.
import { PROVIDER_SETTING } from '../../../electron/backend/service.js';
import { startScriptedServer, type ScriptedServer, type ScriptOptions } from '../../../shared/testkit/scripted-server.js';
import type { TestBackend } from './backend';
import { SCRIPTED_MODEL, scriptedAnswer } from './workspaces';

/**
 * Points `backend` at a new scripted model answering as the template's (test/workspaces.ts) unless
 * `script` says otherwise. A failed request is not retried (the host setting provider.maxRetries).
 */
export async function startScriptedModel(backend: TestBackend, script: ScriptOptions = {}): Promise<ScriptedServer> {
  const server = await startScriptedServer({ script: { answer: scriptedAnswer, ...script } });
  backend.afterClose(() => server.close());
  backend.settings.set(PROVIDER_SETTING.maxRetries, 0);
  await backend.handlers.updateSettings({ baseURL: server.url });
  await backend.handlers.updateDraft({ settings: { provider: 'openai', model: SCRIPTED_MODEL } });
  return server;
}
