// The backend: one open workspace and the API handlers over it. Plain Node (never imports
// electron), so it runs in Electron's utility process, in the browser host and in tests alike.
import { existsSync, rmSync } from 'node:fs';
import { openWorkspace, repositories, seedDemoWorkspace } from '../services/workspace/index.js';
import type { ProviderConfig } from '../../shared/src/providers/create.js';
import { draftArtifact, readDraft } from './draft.js';
import { ExtractionService } from './extraction.js';
import { createHandlers, HOST_SETTING } from './handlers.js';
import type { BackendContext } from './context.js';
import { createImportHandlers } from './import/handlers.js';
import type { Backend, BackendOptions } from './ports.js';
import { createRunHandlers } from './runs/handlers.js';
import { createTeachHandlers } from './teach/handlers.js';

export async function createBackend(opts: BackendOptions): Promise<Backend> {
  const isNew = !existsSync(opts.workspacePath);
  const ws = openWorkspace(opts.workspacePath, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  const repos = repositories(ws);

  const providerConfig = (): ProviderConfig => {
    const settings = readDraft(repos)?.settings;
    if (settings?.provider !== 'openai') return { kind: 'embedded' };
    const baseURL = opts.settings.get(HOST_SETTING.baseURL);
    const apiKey = opts.secrets.getApiKey();
    return {
      kind: 'openai',
      model: settings.model,
      ...(typeof baseURL === 'string' && baseURL ? { baseURL } : {}),
      // Local servers need no key; never fall back to the environment's key for another endpoint.
      apiKey: apiKey ?? '',
    };
  };
  const extraction = new ExtractionService(repos, () => draftArtifact(repos), providerConfig);

  try {
    // A new workspace starts with the demo, already extracted by the embedded provider, so the
    // first screen shows messages beside their JSON with no setup at all.
    if (isNew && opts.demo) {
      await seedDemoWorkspace(ws, opts.resourcesDir, {
        extractAll: (messages) => extraction.extractMany(messages.filter((m) => m.latestExtractionId === null)),
      });
    }
  } catch (err) {
    ws.close();
    // The file was made by this call: take it away, or the next start would find a workspace that
    // exists, skip the demo, and open empty for good.
    if (isNew) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${opts.workspacePath}${suffix}`, { force: true });
    throw err;
  }

  const ctx: BackendContext = {
    repos,
    opts,
    extraction,
    emit: opts.emit,
    author: () => (typeof opts.settings.get('author') === 'string' ? String(opts.settings.get('author')) : 'support lead'),
  };
  return {
    handlers: {
      ...createHandlers(repos, opts),
      ...createImportHandlers(ctx),
      ...createTeachHandlers(ctx),
      ...createRunHandlers(ctx),
    },
    close: () => ws.close(),
  };
}
