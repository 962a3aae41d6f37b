// What the sync tests share: a workspace with a draft and published versions (inserted through the
// repository, as publishing stores them), the sync service and handlers over it, and git run the
// way a person would run it.
import { execFileSync } from 'node:child_process';
import type { ApiArgs, ApiMethod, ApiResults } from '../../../shared/src/api/index.js';
import { DEFAULT_SETTINGS, type RulebookArtifact } from '../../../shared/src/domain.js';
import { createRulebook, nextVersion } from '../../../shared/src/rulebook/index.js';
import { supportSchema } from '../../../shared/src/testing/fixtures.js';
import { SETTING_KEYS, type StoredDraft } from '../../services/workspace/index.js';
import { call, openContext, tempFolder, type ContextHarness, type TempFolder } from '../test-support.js';
import { createSyncHandlers, type SyncHandlers } from './handlers.js';
import { createSyncService, type SyncService, type SyncServiceOptions } from './service.js';

export const RULEBOOK_ID = 'tidewell-support';

export interface SyncHarness {
  folder: TempFolder;
  h: ContextHarness;
  service: SyncService;
  handlers: SyncHandlers;
  call<M extends keyof SyncHandlers & ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]>;
  /** Publishes the next version (v1 first) through the repository; its artifact. */
  publish(): RulebookArtifact;
  /** The artifact JSON of a version exactly as stored. */
  stored(version: number): string;
  setLabel(label: string, version: number): void;
  close(): void;
}

export function syncHarness(options: SyncServiceOptions = {}): SyncHarness {
  const folder = tempFolder('casebook-sync-');
  const h = openContext(folder.path('workspace.casebook'), { demo: false });
  const draft: StoredDraft = { id: RULEBOOK_ID, name: 'Tidewell support', instructions: '', schema: supportSchema, settings: { ...DEFAULT_SETTINGS } };
  h.ctx.repos.settings.set(SETTING_KEYS.draftRulebook, draft);
  const service = createSyncService(h.ctx, { retryDelayMs: () => 60_000, http: { backoffMs: 20, timeoutMs: 3000 }, ...options });
  const handlers = createSyncHandlers(h.ctx, service);
  const versions = h.ctx.repos.rulebookVersions;
  return {
    folder,
    h,
    service,
    handlers,
    call: (method, args) => call(handlers, method, args),
    publish() {
      const latest = versions.latest(RULEBOOK_ID);
      const artifact = latest
        ? nextVersion(latest.artifact, { instructions: `Version ${latest.version + 1} instructions.` })
        : createRulebook({ id: RULEBOOK_ID, name: 'Tidewell support', schema: supportSchema, settings: { provider: 'embedded' } });
      return versions.insert(artifact).artifact;
    },
    stored: (version) => versions.byVersion(RULEBOOK_ID, version)!.artifactJson,
    setLabel: (label, version) => versions.setLabel(RULEBOOK_ID, label, version, 'Maya'),
    close() {
      service.close();
      h.close();
      folder.cleanup();
    },
  };
}

/** Runs git as a person would (with an identity of its own); its trimmed output. */
export function gitRun(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Tester', '-c', 'user.email=tester@localhost', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  }).trim();
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
