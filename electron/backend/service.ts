// The backend: the API handlers over an open workspace, and the session that holds one (or none)
// and switches between them. Plain Node (never imports electron), so it runs in Electron's utility
// process, in the browser host and in tests alike.
import { existsSync } from 'node:fs';
import { openWorkspace, seedDemoWorkspace, type Workspace } from '../services/workspace/index.js';
import type { ProviderConfig } from '../../shared/src/providers/create.js';
import type { ModelSettings } from '../../shared/src/domain.js';
import { draftArtifact, readDraft } from './draft.js';
import { ExtractionService } from './extraction.js';
import { createHandlers, HOST_SETTING } from './handlers.js';
import { workspaceAccess, type BackendContext } from './context.js';
import { createImportHandlers } from './import/handlers.js';
import type { Backend, BackendOptions, SessionOptions } from './ports.js';
import { createRunHandlers, createRunService } from './runs/handlers.js';
import { RUN_SETTING } from './runs/service.js';
import { createTeachHandlers } from './teach/handlers.js';
import { joinHandlers } from './registry.js';
import { createDraftHandlers } from './draft/handlers.js';
import { createConnectionHandlers } from './connection/handlers.js';
import { createExportHandlers } from './export/handlers.js';
import { createPublishHandlers } from './publish/handlers.js';
import { GateService } from './publish/gate.js';
import { createSyncHandlers } from './sync/handlers.js';
import { createSyncService } from './sync/service.js';
import { createDriftHandlers } from './drift/handlers.js';
import { closeInvestigations, createInvestigateHandlers } from './drift/investigate-handlers.js';
import { closeTraceHandlers, createTraceHandlers } from './traces/handlers.js';
import { createPhraseHandlers } from './teach/phrase-handlers.js';
import { createRecordHandlers } from './teach/record-handlers.js';
import type { WorkspaceHandlers } from './workspaces/handlers.js';
import { removeWorkspaceFile } from './workspaces/files.js';
import { openSession, type OpenWorkspaceBackendOptions, type WorkspaceBackend } from './workspaces/session.js';
import { DEFAULT_REVIEW_THRESHOLD, type ApiHandlers } from '../../shared/src/api/index.js';

/** Why nothing can be extracted in a workspace whose draft has no fields yet. */
export const NO_FIELDS_YET = 'the rulebook has no fields yet: add one in Rulebook › Fields first';

/** Optional host settings of the OpenAI-compatible provider. */
export const PROVIDER_SETTING = { maxRetries: 'provider.maxRetries', timeoutMs: 'provider.timeoutMs', logprobs: HOST_SETTING.logprobs } as const;

/**
 * What the handlers work with, over an open workspace: its repositories, the host's options, the
 * extraction service (provider from the draft's settings and the host's, answers cached in the
 * workspace, requests spaced by the host's rate limit) and who is acting.
 */
export function createBackendContext(ws: Workspace, opts: BackendOptions): BackendContext {
  const workspace = workspaceAccess(ws);
  const { repos, transaction } = workspace;

  const hostSetting = (key: string): number | undefined => {
    const v = opts.settings.get(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  // The draft's provider, or (a comparison run's) the one the given settings name.
  const providerConfig = (settings: ModelSettings | undefined = readDraft(repos)?.settings): ProviderConfig => {
    if (settings?.provider !== 'openai') return { kind: 'embedded' };
    const baseURL = opts.settings.get(HOST_SETTING.baseURL);
    const apiKey = opts.secrets.getApiKey();
    // Optional host settings: retries after a failed attempt, and the timeout of one attempt.
    const maxRetries = hostSetting(PROVIDER_SETTING.maxRetries);
    const timeoutMs = hostSetting(PROVIDER_SETTING.timeoutMs);
    return {
      kind: 'openai',
      model: settings.model,
      ...(typeof baseURL === 'string' && baseURL ? { baseURL } : {}),
      // Local servers need no key; never fall back to the environment's key for another endpoint.
      apiKey: apiKey ?? '',
      ...(maxRetries !== undefined ? { maxRetries } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      // How sure the model was of each field, where the server says (refused: asked again without).
      logprobs: opts.settings.get(PROVIDER_SETTING.logprobs) !== false,
    };
  };
  // Model answers are kept in the workspace, so a re-run costs nothing, also after a restart; and
  // requests to a model are spaced by the host's rate limit (requests per second; 0: none).
  // A draft without fields (a workspace started from the empty template) is not a rulebook yet: the
  // format needs a field. Say what to do rather than quote the format's refusal.
  const rulebook = () => {
    if (readDraft(repos)?.schema.fields.length === 0) throw new Error(NO_FIELDS_YET);
    return draftArtifact(repos);
  };
  const extraction = new ExtractionService(workspace, rulebook, providerConfig, {
    cache: repos.responseCache,
    ratePerSecond: () => hostSetting(RUN_SETTING.ratePerSecond) ?? 0,
    reviewThreshold: () => hostSetting(HOST_SETTING.reviewThreshold) ?? DEFAULT_REVIEW_THRESHOLD,
  });

  return {
    repos,
    transaction,
    opts,
    extraction,
    emit: opts.emit,
    author: () => (typeof opts.settings.get('author') === 'string' ? String(opts.settings.get('author')) : 'support lead'),
  };
}

/**
 * One open workspace: its handlers, and the session's for the session's methods (the table is the
 * whole API, so the compiler and joinHandlers refuse a method left out). A new file is seeded with
 * the demo when `opts.demo`, then `prepare`d; a failure on the way removes the file it made.
 */
export async function openWorkspaceBackend(opts: BackendOptions, session: WorkspaceHandlers, options: OpenWorkspaceBackendOptions = {}): Promise<WorkspaceBackend> {
  const isNew = !existsSync(opts.workspacePath);
  const ws = openWorkspace(opts.workspacePath, { ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}), ...(options.mustExist ? { mustExist: true } : {}) });
  const ctx = createBackendContext(ws, opts);
  const { repos, extraction } = ctx;

  try {
    // A new workspace starts with the demo, already extracted by the embedded provider, so the
    // first screen shows messages beside their JSON with no setup at all.
    if (isNew && opts.demo) {
      await seedDemoWorkspace(ws, opts.resourcesDir, {
        extractAll: (messages) => extraction.extractMany(messages.filter((m) => m.latestExtractionId === null)),
      });
    }
    if (isNew && options.prepare) await options.prepare(ctx, ws);
  } catch (err) {
    ws.close();
    // The file was made by this call: take it away, or the next start would find a workspace that
    // exists, skip the demo, and open empty for good.
    if (isNew) removeWorkspaceFile(opts.workspacePath);
    throw err;
  }

  // Runs execute in the background, one at a time. A run left queued or running by a crash or a
  // restart is resumed by startBackgroundWork (only its pending items: nothing is extracted twice).
  const runs = createRunService(ctx);
  // Publishing syncs: every publish and label move is written to the sync targets in the background.
  const sync = createSyncService(ctx);
  const gates = new GateService(ctx);
  // One group per feature; a method defined twice, or left out, stops the backend from starting
  // (and a method left out does not compile).
  const handlers: ApiHandlers = joinHandlers(
    createHandlers(repos, opts),
    createImportHandlers(ctx),
    createTeachHandlers(ctx),
    createRunHandlers(ctx, runs),
    createDraftHandlers(ctx),
    createRecordHandlers(ctx),
    createPhraseHandlers(ctx),
    createConnectionHandlers(ctx),
    createExportHandlers(ctx),
    createPublishHandlers(ctx, { afterChange: (_reason, detail) => sync.trigger(detail) }, gates),
    createSyncHandlers(ctx, sync),
    createDriftHandlers(ctx),
    createInvestigateHandlers(ctx),
    createTraceHandlers(ctx),
    session,
  );
  let started = false;
  return {
    path: opts.workspacePath,
    handlers,
    ctx,
    startBackgroundWork: () => {
      if (started) return;
      started = true;
      runs.resumeUnfinished();
    },
    stopRuns: async () => {
      runs.close();
      gates.close();
      sync.close();
      closeInvestigations(ctx);
      closeTraceHandlers(ctx);
      await runs.idle();
    },
    close: () => {
      runs.close();
      gates.close();
      sync.close();
      closeInvestigations(ctx);
      closeTraceHandlers(ctx);
      ws.close();
    },
  };
}

/**
 * The backend a host runs: a session that holds one open workspace or none, opens, makes and
 * switches workspaces, and answers every method (see workspaces/session.ts). With
 * `opts.workspacePath` that workspace is open from the start (made, with the demo unless
 * `opts.demo` is false, when missing).
 */
export async function createBackend(opts: SessionOptions): Promise<Backend> {
  return openSession(opts, openWorkspaceBackend);
}
