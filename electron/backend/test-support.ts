// What the backend's tests share: the host's stores kept in memory, BackendOptions for a workspace
// file, calls made the way the hosts make them (arguments parsed by the contract), the demo
// workspace made once by createBackend and copied for each test, and the demo's own rows.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError, DEFAULT_REVIEW_THRESHOLD, parseApiArgs, type ApiArgs, type ApiEventName, type ApiEvents, type ApiHandlers, type ApiMethod, type ApiResults, type ProviderSettings } from '../../shared/src/api/index.js';
import { messageContentHash, messageIdFromHash, openWorkspace, repositories, type Workspace } from '../services/workspace/index.js';
import type { BackendContext } from './context.js';
import { createHandlers, KEY_STORAGE } from './handlers.js';
import { createImportHandlers } from './import/handlers.js';
import type { ImportContext } from './import/importer.js';
import type { Backend, BackendOptions, SecretStore, SettingsStore } from './ports.js';
import { createRunHandlers, createRunService } from './runs/handlers.js';
import { createBackendContext, createBackend } from './service.js';
import { createTeachHandlers } from './teach/handlers.js';
import { createDraftHandlers } from './draft/handlers.js';
import { createRecordHandlers } from './teach/record-handlers.js';
import { createPhraseHandlers } from './teach/phrase-handlers.js';
import { createConnectionHandlers } from './connection/handlers.js';
import { createExportHandlers } from './export/handlers.js';

export { failAfter, failStatement, InjectedFailure, workspaceSnapshot } from '../services/workspace/test-helpers.js';

/** The repository's `resources/` (the demo seed data is in `resources/demo`). */
// By directory, not by URL: under the renderer's jsdom environment import.meta.url is not a file URL.
export const RESOURCES = resolve(import.meta.dirname, '../../resources');

/** The events a backend emitted, in order. */
export type Events = [ApiEventName, unknown][];

export type MemorySettings = SettingsStore & { data: Map<string, unknown> };
export type MemorySecrets = SecretStore & { writes: (string | null)[] };

/** The host's settings, in memory; `data` is what was stored. */
export function memorySettings(initial: Record<string, unknown> = {}): MemorySettings {
  const data = new Map<string, unknown>(Object.entries(initial));
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
}

/** The host's secret store, in memory; `writes` is every API key stored, in order; `named` the named secrets. */
export function memorySecrets(): MemorySecrets & { named: Map<string, string> } {
  let key: string | null = null;
  const writes: (string | null)[] = [];
  const named = new Map<string, string>();
  return {
    writes,
    named,
    storage: 'in memory (tests)',
    getApiKey: () => key,
    setApiKey: (k) => {
      writes.push(k);
      key = k || null;
    },
    getSecret: (name) => named.get(name) ?? null,
    setSecret: (name, value) => void (value === null ? named.delete(name) : named.set(name, value)),
  };
}

export type TestOptions = BackendOptions & { settings: MemorySettings; secrets: MemorySecrets; events: Events };
/** What a test may set of its options (its stores stay the in-memory ones). */
export type TestOptionsOver = Partial<Omit<BackendOptions, 'settings' | 'secrets'>> & { settings?: MemorySettings; secrets?: MemorySecrets };

/** Options of a web host over `workspacePath` with the demo, stores in memory, events recorded. */
export function backendOptions(workspacePath: string, over: TestOptionsOver = {}): TestOptions {
  const events: Events = [];
  return {
    workspacePath,
    resourcesDir: RESOURCES,
    demo: true,
    host: 'web',
    appVersion: '0.0.0-test',
    settings: memorySettings(),
    secrets: memorySecrets(),
    emit: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void events.push([event, payload]),
    events,
    ...over,
  };
}

/** Calls a handler the way the IPC gate and the browser host do: with arguments parsed by the contract. */
export async function call<M extends ApiMethod>(target: Pick<Backend, 'handlers'> | Partial<ApiHandlers>, method: M, args: ApiArgs<M>): Promise<ApiResults[M]> {
  const handlers = 'handlers' in target ? target.handlers : (target as Partial<ApiHandlers>);
  const handler = handlers[method] as unknown as ((a: unknown) => Promise<ApiResults[M]> | ApiResults[M]) | undefined;
  if (!handler) throw new Error(`no handler for ${method} here`);
  return handler(parseApiArgs(method, args));
}

/** The ApiError a call fails with; a success, or any other error, fails the test. */
export async function apiFailure(work: Promise<unknown> | (() => unknown)): Promise<ApiError> {
  const outcome = await Promise.resolve()
    .then(() => (typeof work === 'function' ? work() : work))
    .then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  if (outcome.ok) throw new Error(`the call succeeded: ${String(JSON.stringify(outcome.result)).slice(0, 200)}`);
  if (!(outcome.error instanceof ApiError)) throw outcome.error;
  return outcome.error;
}

/**
 * The backend's context over a workspace file, wired as createBackend wires it, with the handlers
 * over it: for tests that reach past the API (to break a repository midway through a use case).
 */
export interface ContextHarness {
  ws: Workspace;
  ctx: BackendContext;
  opts: TestOptions;
  handlers: Partial<ApiHandlers>;
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]>;
  /** The ApiError a call fails with. */
  failure<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiError>;
  close(): void;
}

export function openContext(workspacePath: string, over: TestOptionsOver = {}): ContextHarness {
  const opts = backendOptions(workspacePath, over);
  const ws = openWorkspace(workspacePath);
  const ctx = createBackendContext(ws, opts);
  const runs = createRunService(ctx);
  const handlers: Partial<ApiHandlers> = {
    ...createHandlers(ctx.repos, opts),
    ...createImportHandlers(ctx),
    ...createTeachHandlers(ctx),
    ...createRunHandlers(ctx, runs),
    ...createDraftHandlers(ctx),
    ...createRecordHandlers(ctx),
    ...createPhraseHandlers(ctx),
    ...createConnectionHandlers(ctx),
    ...createExportHandlers(ctx),
  };
  const invoke = <M extends ApiMethod>(method: M, args: ApiArgs<M>) => call(handlers, method, args);
  return {
    ws,
    ctx,
    opts,
    handlers,
    call: invoke,
    failure: (method, args) => apiFailure(invoke(method, args)),
    close: () => {
      runs.close();
      ws.close();
    },
  };
}

/** What an import works with, over an open workspace: its repositories and unit of work; no events, 'tester' acting. */
export function importContext(ws: Workspace, over: Partial<ImportContext> = {}): ImportContext {
  return { repos: repositories(ws), transaction: (work) => ws.write(work), emit: () => undefined, author: () => 'tester', ...over };
}

/** A temporary folder of workspace files, removed with everything in it. */
export interface TempFolder {
  dir: string;
  /** A new file name in the folder each call (or the one given). */
  path(name?: string): string;
  cleanup(): void;
}

export function tempFolder(prefix = 'casebook-backend-'): TempFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    dir,
    path: (name) => join(dir, name ?? `ws-${++n}.casebook`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Copies a workspace file (and its write-ahead log, if one is left) to `to`; returns `to`. */
export function copyWorkspace(from: string, to: string): string {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
  return to;
}

/** The demo workspace, seeded and extracted once by createBackend, and fresh copies of it. */
export interface DemoWorkspaces extends TempFolder {
  template: string;
  /** A fresh copy of the demo workspace; its path. */
  copy(name?: string): string;
}

/** Makes the demo template (takes a few seconds: call it in beforeAll with a long timeout). */
export async function demoWorkspaces(prefix = 'casebook-demo-'): Promise<DemoWorkspaces> {
  const folder = tempFolder(prefix);
  const template = folder.path('template.casebook');
  (await createBackend(backendOptions(template))).close();
  return { ...folder, template, copy: (name) => copyWorkspace(template, folder.path(name)) };
}

/** A line of resources/demo/messages.jsonl. */
export interface DemoRow {
  id: string;
  text: string;
  subject: string;
  sender: string;
  receivedAt: string;
}

/** A file of resources/demo, as text. */
export const readDemo = (file: string): string => readFileSync(join(RESOURCES, 'demo', file), 'utf8');

/** The demo messages as the seed file has them, oldest first. */
export const demoRows: readonly DemoRow[] = readDemo('messages.jsonl')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as DemoRow);

/** The workspace id of a demo message (ids derive from the content hash), by its id in the seed file or its row. */
export function demoId(row: string | DemoRow): string {
  const r = typeof row === 'string' ? demoRows.find((d) => d.id === row) : row;
  if (!r) throw new Error(`no demo message ${String(row)}`);
  return messageIdFromHash(messageContentHash({ text: r.text, subject: r.subject, sender: r.sender, receivedAt: r.receivedAt }));
}

export interface ContextHarnesses {
  /** A fresh copy of the demo workspace with the backend's context over it (closed after the test). */
  harness(): ContextHarness;
  /** Undo functions (from failAfter, failStatement) run after each test. */
  restores: (() => void)[];
}

/**
 * For a test file over copies of the demo: makes the demo once, gives each test its own copy with
 * an author in the host's settings, and closes and restores everything after each test.
 */
export function contextHarnesses(prefix: string, author = 'Maya (lead)'): ContextHarnesses {
  let demo: DemoWorkspaces;
  const open: ContextHarness[] = [];
  const restores: (() => void)[] = [];
  beforeAll(async () => {
    demo = await demoWorkspaces(prefix);
  }, 60_000);
  afterEach(() => {
    for (const restore of restores.splice(0)) restore();
    for (const h of open.splice(0)) h.close();
  });
  afterAll(() => demo.cleanup());
  return {
    restores,
    harness() {
      const h = openContext(demo.copy(), { settings: memorySettings({ author }) });
      open.push(h);
      return h;
    },
  };
}

/** What getSettings answers in the browser host when nothing is set (the model is the draft's). */
export const WEB_HOST_DEFAULT_SETTINGS: Omit<ProviderSettings, 'model'> = {
  provider: 'embedded',
  baseURL: '',
  hasApiKey: false,
  k: 8,
  concurrency: 4,
  ratePerSecond: 0,
  reviewThreshold: DEFAULT_REVIEW_THRESHOLD,
  autoExtractImports: false,
  keyStorage: KEY_STORAGE.web,
  logprobs: true,
};
