// A workspace one test file arranges once, through the real backend's handlers (runs, published
// versions, traces), and each of its tests opens a copy of (`startBackend({ from })`): what costs
// seconds (a publish gate over the demo's precedents, a run of 140 messages) is paid once per file.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import type { ApiEventName, ApiEvents, ApiHandlers, ApiParsedArgs, CasebookApi } from '../../../shared/src/api/contract.js';
import type { RunRecord } from '../../../shared/src/api/records.js';
import { createBackend, PROVIDER_SETTING } from '../../../electron/backend/service.js';
import { startScriptedServer, type ScriptedServer, type ScriptOptions } from '../../../shared/testkit/scripted-server.js';
import { backendOptions, memorySettings, SCRIPTED_MODEL, scriptedAnswer } from './workspaces';

export interface Arranging {
  handlers: ApiHandlers;
  settings: ReturnType<typeof memorySettings>;
  /** A scripted model the draft now asks (closed when the arranging ends). */
  useModel(script?: ScriptOptions): Promise<ScriptedServer>;
}

/**
 * Arranges a copy of the demo workspace once for the file (beforeAll) and returns where it is; the
 * file is removed after the file's tests.
 */
export function preparedWorkspace(arrange: (a: Arranging) => Promise<void>, timeoutMs = 120_000): () => string {
  let dir = '';
  let path = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casebook-prepared-'));
    path = join(dir, 'Tidewell support.casebook');
    const template = inject('casebook').demo;
    copyFileSync(template, path);
    if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${path}-wal`);
    const settings = memorySettings();
    const backend = await createBackend({ ...backendOptions(path, () => undefined, settings), demo: true });
    const servers: ScriptedServer[] = [];
    try {
      backend.startBackgroundWork();
      await arrange({
        handlers: backend.handlers,
        settings,
        async useModel(script = {}) {
          const server = await startScriptedServer({ script: { answer: scriptedAnswer, ...script } });
          servers.push(server);
          settings.set(PROVIDER_SETTING.maxRetries, 0);
          await backend.handlers.updateSettings({ baseURL: server.url });
          await backend.handlers.updateDraft({ settings: { provider: 'openai', model: SCRIPTED_MODEL } });
          return server;
        },
      });
    } finally {
      backend.close();
      for (const s of servers) await s.close();
    }
  }, timeoutMs);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => path;
}

/** Waits until `until` answers true (a run, a gate, a replay settling in the background). */
export async function eventually(until: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await until())) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts a run and waits until it is done. */
export async function runToEnd(h: ApiHandlers, args: ApiParsedArgs<'startRun'>): Promise<RunRecord> {
  const started = await h.startRun(args);
  let run = started;
  await eventually(async () => {
    run = await h.getRun({ runId: started.id });
    if (run.status === 'failed' || run.status === 'cancelled') throw new Error(`run ${run.id} ended ${run.status}: ${run.error ?? ''}`);
    return run.status === 'done';
  }, `run ${started.id}`);
  return run;
}

/** Publishes the draft as the next version (past its gate, with a reason when it has regressions). */
export async function publish(h: ApiHandlers, note: string): Promise<number> {
  const started = await h.startGate({});
  let gate = started;
  await eventually(async () => {
    gate = await h.getGate({ gateId: started.id });
    return gate.status !== 'running';
  }, `gate ${started.id}`);
  if (gate.status !== 'done') throw new Error(`gate ${gate.id} ended ${gate.status}`);
  const version = await h.publishDraft({ gateId: gate.id, note, ...(gate.regressions > 0 ? { overrideReason: 'the test changes answers on purpose' } : {}) });
  return version.version;
}

/**
 * The real API with one method's answer held back until `before(result)` resolves: the backend did
 * the work, the window just hears of it late (as on a busy host). Every other method is the API's own.
 */
export function answerLate<M extends keyof Omit<CasebookApi, 'on'>>(api: CasebookApi, method: M, before: (result: Awaited<ReturnType<CasebookApi[M]>>) => Promise<void>): CasebookApi {
  const real = api[method] as (args: unknown) => Promise<Awaited<ReturnType<CasebookApi[M]>>>;
  const late = async (args: unknown) => {
    const result = await real(args);
    await before(result);
    return result;
  };
  return new Proxy(api, { get: (target, prop) => (prop === method ? late : (Reflect.get(target, prop) as unknown)) });
}

/** Resolves with the first `event` whose payload satisfies `match`, as the window receives it. */
export function nextEvent<E extends ApiEventName>(api: CasebookApi, event: E, match: (payload: ApiEvents[E]) => boolean): Promise<ApiEvents[E]> {
  return new Promise((resolve) => {
    const off = api.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}
