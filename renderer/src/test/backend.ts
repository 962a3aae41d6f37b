// The real backend behind the window's API, one per test: a copy of the template workspace seeded once
// per run (global-setup.ts, workspaces.ts), opened by `createBackend`, started as a host starts it, and
// reached through the loopback transport (transport.ts). What a test may add on top is small and
// explicit: a record of the calls the backend received, a failure or a hold for the next call of a
// method, and an event sent as the host would send one. Everything is closed after the test.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ApiError, type ApiEventName, type ApiEvents, type ApiFailure, type ApiHandlers, type ApiMethod, type ApiParsedArgs, type CasebookApi } from '../../../shared/src/api/contract.js';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { createBackend } from '../../../electron/backend/service.js';
import { createLoopback, loopbackApi } from './transport';
import { backendOptions, memorySettings } from './workspaces';

export interface Call<M extends ApiMethod = ApiMethod> {
  method: M;
  /** The argument as the backend received it: parsed by the contract's validators (defaults filled in). */
  args: ApiParsedArgs<M>;
}

export interface TestApi extends CasebookApi {
  /** Every call that reached the backend, in order. */
  readonly calls: Call[];
  /** The calls of one method, in order. */
  callsOf<M extends ApiMethod>(method: M): ApiParsedArgs<M>[];
  /** Sends an event to the window as the host does (the backend's own events travel the same way). */
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
  /** The next call of `method` fails with `failure`, as if the backend had refused it. */
  failNext(method: ApiMethod, failure: ApiFailure): void;
  /** The next call of `method` waits until the returned function is called, then goes on. */
  hold(method: ApiMethod): () => void;
}

export interface TestBackend {
  api: TestApi;
  /** The backend's handlers, for arranging a workspace without going through the window's API. */
  handlers: ApiHandlers;
  /** The host's settings (provider.maxRetries, provider.timeoutMs...). */
  settings: ReturnType<typeof memorySettings>;
  workspacePath: string;
  /** Runs `fn` after the backend closed (for what the test started beside it). */
  afterClose(fn: () => unknown): void;
  close(): Promise<void>;
}

const open = new Set<TestBackend>();

/** Closes every backend a test opened (setup.ts, after each test, once the components are gone). */
export async function closeBackends(): Promise<void> {
  await Promise.all([...open].map((b) => b.close()));
}

/** The demo schema, as the backend's draft rulebook has it. */
export function demoSchema(): ExtractionSchema {
  return inject('casebook').schema;
}

/**
 * Opens a backend on a fresh copy of the demo workspace (`workspace: 'demo'`, the default) or on a new
 * empty workspace (`'empty'`); `from` copies another workspace file instead of the demo (one a test
 * file arranged once, test/prepared.ts).
 */
export async function startBackend(options: { workspace?: 'demo' | 'empty'; from?: string } = {}): Promise<TestBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-test-'));
  const workspace = options.workspace ?? 'demo';
  // The header names the workspace by its file.
  const workspacePath = join(dir, workspace === 'demo' ? 'Tidewell support.casebook' : 'Empty.casebook');
  if (workspace === 'demo') {
    const template = options.from ?? inject('casebook').demo;
    copyFileSync(template, workspacePath);
    if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${workspacePath}-wal`);
  }
  let loopback: ReturnType<typeof createLoopback> | null = null;
  const settings = memorySettings();
  const backend = await createBackend({
    ...backendOptions(workspacePath, (event, payload) => loopback?.emit(event, payload), settings),
    demo: workspace === 'demo',
  });

  const calls: Call[] = [];
  const failures = new Map<ApiMethod, ApiFailure[]>();
  const holds = new Map<ApiMethod, Promise<void>[]>();
  const handlers = {} as Record<ApiMethod, (args: unknown) => unknown>;
  for (const method of Object.keys(backend.handlers) as ApiMethod[]) {
    const real = backend.handlers[method] as (args: unknown) => unknown;
    handlers[method] = async (args: unknown) => {
      calls.push({ method, args } as Call);
      const failure = failures.get(method)?.shift();
      if (failure) throw new ApiError(failure);
      const gate = holds.get(method)?.shift();
      if (gate) await gate;
      return real(args);
    };
  }
  loopback = createLoopback(handlers as unknown as ApiHandlers);
  const lb = loopback;
  // As the hosts do once they answer calls.
  backend.startBackgroundWork();

  const api = Object.assign(loopbackApi(lb), {
    calls,
    callsOf: <M extends ApiMethod>(method: M) => calls.filter((c) => c.method === method).map((c) => c.args as ApiParsedArgs<M>),
    emit: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => lb.emit(event, payload),
    failNext: (method: ApiMethod, failure: ApiFailure) => void failures.set(method, [...(failures.get(method) ?? []), failure]),
    hold: (method: ApiMethod) => {
      let release!: () => void;
      holds.set(method, [...(holds.get(method) ?? []), new Promise<void>((r) => (release = r))]);
      return release;
    },
  }) satisfies TestApi;

  let closed = false;
  const after: (() => unknown)[] = [];
  const test: TestBackend = {
    api,
    handlers: backend.handlers,
    settings,
    workspacePath,
    afterClose: (fn) => void after.push(fn),
    async close() {
      if (closed) return;
      closed = true;
      open.delete(test);
      backend.close();
      rmSync(dir, { recursive: true, force: true });
      for (const fn of after) await fn();
    },
  };
  open.add(test);
  return test;
}
