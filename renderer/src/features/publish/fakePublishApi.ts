// For tests: the window's API with the publish, sync and deployment methods (issue 11) answered by an
// in-memory fake, everything else by the API it wraps (the real backend, in component tests). The fake
// keeps to the contract's records and failures (ApiCallError, as the HTTP client throws), records its
// calls, and sends its own gateProgress and publishChanged events. A gate runs until the test moves it
// (`progressGate`, `finishGate`).
import type { ApiEventName, ApiEvents, ApiFailure, ApiMethod, CasebookApi } from '../../api/contract';
import { ApiCallError } from '../../api/errors';
import type {
  DeploymentRecord,
  GateFailure,
  GateReport,
  LabelsState,
  SigningKeys,
  SyncTargetRecord,
  VersionDetail,
  VersionSummary,
} from '../../../../shared/src/api/records.js';

type Method = Extract<
  ApiMethod,
  | 'startGate'
  | 'cancelGate'
  | 'getGate'
  | 'publishDraft'
  | 'listVersions'
  | 'getVersion'
  | 'diffVersions'
  | 'exportVersion'
  | 'listLabels'
  | 'setLabel'
  | 'removeLabel'
  | 'listSigningKeys'
  | 'rotateSigningKey'
  | 'retireSigningKey'
  | 'exportPublicKey'
  | 'listSyncTargets'
  | 'saveSyncTarget'
  | 'deleteSyncTarget'
  | 'syncNow'
  | 'listDeployments'
  | 'saveDeployment'
  | 'deleteDeployment'
  | 'pollDeployments'
>;

export interface PublishFakeState {
  versions: VersionDetail[];
  labels: LabelsState;
  keys: SigningKeys;
  targets: SyncTargetRecord[];
  deployments: DeploymentRecord[];
  /** What the next gate finds: its precedents, and the failures among them. */
  gate: { total: number; failures: GateFailure[] };
  gates: Map<string, GateReport>;
}

export interface PublishFake {
  api: CasebookApi;
  state: PublishFakeState;
  calls: { method: Method; args: unknown }[];
  callsOf(method: Method): unknown[];
  /** The next call of `method` fails with `failure`. */
  failNext(method: Method, failure: ApiFailure): void;
  /** Sends a gateProgress event: the running gate has done `done` precedents. */
  progressGate(done: number): void;
  /** Ends the running gate with the failures of `state.gate`, and says so with gateProgress. */
  finishGate(): void;
  emit<E extends 'gateProgress' | 'publishChanged'>(event: E, payload: ApiEvents[E]): void;
}

export const HASH = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;

export function versionRecord(version: number, extra: Partial<VersionDetail> = {}): VersionDetail {
  return {
    rulebookId: 'tidewell-support',
    version,
    hash: HASH(version),
    parent: version > 1 ? { version: version - 1, hash: HASH(version - 1) } : null,
    publishedAt: new Date(Date.UTC(2026, 0, version, 12)).toISOString(),
    author: 'Priya',
    note: `Version ${version}`,
    labels: [],
    keyId: '0123456789abcdef',
    gate: { passed: 10, failed: 0, regressions: 0, overrideReason: null },
    counts: { fields: 9, rules: 4, precedents: 10 },
    changelog: [{ kind: 'rule', text: `rule changed in v${version}` }],
    ...extra,
  };
}

function summary(v: VersionDetail): VersionSummary {
  const { changelog: _changelog, ...rest } = v;
  return rest;
}

export function createPublishFake(base: CasebookApi, seed: Partial<Omit<PublishFakeState, 'gates'>> = {}): PublishFake {
  const state: PublishFakeState = {
    versions: seed.versions ?? [],
    labels: seed.labels ?? {
      labels: [
        { label: 'production', version: 0, hash: '', setBy: null, setAt: '' },
        { label: 'staging', version: 0, hash: '', setBy: null, setAt: '' },
      ],
      moves: [],
    },
    keys: seed.keys ?? { keys: [], storage: 'in a file only this user can read (the browser host)' },
    targets: seed.targets ?? [],
    deployments: seed.deployments ?? [],
    gate: seed.gate ?? { total: 3, failures: [] },
    gates: new Map(),
  };
  const calls: PublishFake['calls'] = [];
  const failures = new Map<Method, ApiFailure[]>();
  const listeners = new Map<string, Set<(payload: never) => void>>();
  let running: string | null = null;
  let gateCount = 0;

  function emit<E extends 'gateProgress' | 'publishChanged'>(event: E, payload: ApiEvents[E]) {
    for (const fn of [...(listeners.get(event) ?? [])]) (fn as (p: ApiEvents[E]) => void)(payload);
  }
  const fail = (code: ApiFailure['code'], message: string): never => {
    throw new ApiCallError({ code, message });
  };
  const withLabels = () => {
    for (const v of state.versions) v.labels = state.labels.labels.filter((l) => l.version === v.version).map((l) => l.label);
  };
  const progressOf = (r: GateReport) => {
    const { failures: _f, ...rest } = r;
    return rest;
  };

  const handlers: Record<Method, (args: never) => unknown> = {
    startGate: () => {
      const id = `gate-${++gateCount}`;
      const report: GateReport = {
        id,
        status: 'running',
        draftHash: HASH(9),
        baseline: state.versions.length ? { version: state.versions.at(-1)!.version, hash: state.versions.at(-1)!.hash } : null,
        total: state.gate.total,
        done: 0,
        passed: 0,
        failed: 0,
        regressions: 0,
        cached: 0,
        failures: [],
        startedAt: new Date().toISOString(),
        finishedAt: null,
        error: null,
      };
      state.gates.set(id, report);
      running = id;
      return report;
    },
    cancelGate: ({ gateId }: { gateId: string }) => {
      const r = state.gates.get(gateId) ?? fail('not_found', `no gate ${gateId}`);
      if (r.status === 'running') r.status = 'cancelled';
      return r;
    },
    getGate: ({ gateId }: { gateId: string }) => state.gates.get(gateId) ?? fail('not_found', `no gate ${gateId}`),
    publishDraft: ({ gateId, note, overrideReason }: { gateId: string; note?: string; overrideReason?: string }) => {
      const gate = state.gates.get(gateId) ?? fail('not_found', `no gate ${gateId}`);
      if (gate.status !== 'done') fail('conflict', 'the gate has not finished');
      if (gate.failed > 0 && !overrideReason) fail('bad_request', 'the gate failed: publishing needs an override reason');
      const version = versionRecord((state.versions.at(-1)?.version ?? 0) + 1, {
        note: note ?? '',
        gate: { passed: gate.passed, failed: gate.failed, regressions: gate.regressions, overrideReason: overrideReason ?? null },
      });
      state.versions.push(version);
      emit('publishChanged', { reason: 'published' });
      return version;
    },
    listVersions: () => [...state.versions].reverse().map(summary),
    getVersion: ({ version }: { version: number }) => state.versions.find((v) => v.version === version) ?? fail('not_found', `no v${version}`),
    diffVersions: ({ from, to }: { from: number | 'draft'; to: number | 'draft' }) => ({
      from: { version: from, hash: from === 'draft' ? HASH(9) : HASH(from) },
      to: { version: to, hash: to === 'draft' ? HASH(9) : HASH(to) },
      empty: false,
      text: `--- ${from}\n+++ ${to}\n~ rule changed`,
      changelog: [{ kind: 'rule', text: `changed from ${from} to ${to}` }],
    }),
    exportVersion: ({ version }: { version: number }) => ({ name: `rulebook-v${version}.json`, mimeType: 'application/json', content: '{}', count: 1 }),
    listLabels: () => state.labels,
    setLabel: ({ label, version, reason }: { label: string; version: number; reason: string }) => {
      const existing = state.labels.labels.find((l) => l.label === label);
      const from = existing && existing.version ? existing.version : null;
      const record = { label, version, hash: HASH(version), setBy: 'Priya', setAt: new Date().toISOString() };
      state.labels = {
        labels: existing ? state.labels.labels.map((l) => (l.label === label ? record : l)) : [...state.labels.labels, record],
        moves: [{ label, from, to: version, by: 'Priya', at: record.setAt, reason }, ...state.labels.moves],
      };
      withLabels();
      return state.labels;
    },
    removeLabel: ({ label, reason }: { label: string; reason: string }) => {
      const existing = state.labels.labels.find((l) => l.label === label) ?? fail('not_found', `no label ${label}`);
      state.labels = {
        labels: state.labels.labels.filter((l) => l.label !== label),
        moves: [{ label, from: existing.version, to: null, by: 'Priya', at: new Date().toISOString(), reason }, ...state.labels.moves],
      };
      withLabels();
      return state.labels;
    },
    listSigningKeys: () => state.keys,
    rotateSigningKey: () => {
      const keyId = String(state.keys.keys.length + 1).repeat(16).slice(0, 16);
      state.keys = {
        ...state.keys,
        keys: [...state.keys.keys.map((k) => ({ ...k, active: false })), { keyId, publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${keyId}\n-----END PUBLIC KEY-----\n`, createdAt: new Date().toISOString(), retiredAt: null, active: true }],
      };
      return state.keys;
    },
    retireSigningKey: ({ keyId }: { keyId: string }) => {
      const key = state.keys.keys.find((k) => k.keyId === keyId) ?? fail('not_found', `no key ${keyId}`);
      if (key.active) fail('conflict', 'the active key cannot be retired');
      state.keys = { ...state.keys, keys: state.keys.keys.map((k) => (k.keyId === keyId ? { ...k, retiredAt: new Date().toISOString() } : k)) };
      return state.keys;
    },
    exportPublicKey: ({ keyId }: { keyId?: string }) => ({ name: `casebook-${keyId ?? 'keys'}.pem`, mimeType: 'application/x-pem-file', content: '', count: 1 }),
    listSyncTargets: () => state.targets,
    saveSyncTarget: (args: { id?: string; kind: 'folder' | 'http'; name: string; path?: string; url?: string; token?: string; enabled?: boolean }) => {
      const old = args.id ? state.targets.find((t) => t.id === args.id) : undefined;
      const record: SyncTargetRecord = {
        id: args.id ?? `target-${state.targets.length + 1}`,
        kind: args.kind,
        name: args.name,
        path: args.kind === 'folder' ? (args.path ?? null) : null,
        url: args.kind === 'http' ? (args.url ?? null) : null,
        hasToken: args.token !== undefined ? args.token !== '' : (old?.hasToken ?? false),
        enabled: args.enabled ?? true,
        git: false,
        status: old?.status ?? 'never',
        lastAttemptAt: old?.lastAttemptAt ?? null,
        lastSuccessAt: old?.lastSuccessAt ?? null,
        lastError: old?.lastError ?? null,
        retryAt: old?.retryAt ?? null,
        lastCommit: old?.lastCommit ?? null,
      };
      state.targets = old ? state.targets.map((t) => (t.id === record.id ? record : t)) : [...state.targets, record];
      return record;
    },
    deleteSyncTarget: ({ id }: { id: string }) => {
      state.targets = state.targets.filter((t) => t.id !== id);
      return { id };
    },
    syncNow: () => state.targets,
    listDeployments: () => state.deployments,
    saveDeployment: ({ name, statusUrl }: { name: string; statusUrl: string }) => {
      const record: DeploymentRecord = { id: `svc-${state.deployments.length + 1}`, name, statusUrl, lastPolledAt: null, status: null, error: null, version: null, labels: [] };
      state.deployments = [...state.deployments, record];
      return record;
    },
    deleteDeployment: ({ id }: { id: string }) => {
      state.deployments = state.deployments.filter((d) => d.id !== id);
      return { id };
    },
    pollDeployments: () => state.deployments,
  };

  const api = new Proxy(base, {
    get(target, prop, receiver) {
      if (prop === 'on') {
        return <E extends ApiEventName>(event: E, fn: (payload: ApiEvents[E]) => void) => {
          if (event !== 'gateProgress' && event !== 'publishChanged') return target.on(event, fn);
          const set = listeners.get(event) ?? new Set();
          listeners.set(event, set);
          set.add(fn as (payload: never) => void);
          return () => void set.delete(fn as (payload: never) => void);
        };
      }
      if (typeof prop === 'string' && prop in handlers) {
        const method = prop as Method;
        return async (args: unknown) => {
          calls.push({ method, args });
          await Promise.resolve();
          const failure = failures.get(method)?.shift();
          if (failure) throw new ApiCallError(failure);
          // Through JSON, as every answer of a host is.
          return JSON.parse(JSON.stringify((handlers[method] as (a: unknown) => unknown)(args ?? {}))) as unknown;
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });

  return {
    api,
    state,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    failNext: (method, failure) => void failures.set(method, [...(failures.get(method) ?? []), failure]),
    progressGate(done) {
      const r = running ? state.gates.get(running) : undefined;
      if (!r) throw new Error('no gate is running');
      r.done = done;
      const failedSoFar = state.gate.failures.length ? Math.min(done, state.gate.failures.length) : 0;
      r.failed = failedSoFar;
      r.passed = done - failedSoFar;
      emit('gateProgress', progressOf(r));
    },
    finishGate() {
      const r = running ? state.gates.get(running) : undefined;
      if (!r) throw new Error('no gate is running');
      const failures = state.gate.failures;
      Object.assign(r, {
        status: 'done',
        done: r.total,
        failed: failures.length,
        passed: r.total - failures.length,
        regressions: failures.filter((f) => f.regression).length,
        failures,
        finishedAt: new Date().toISOString(),
      });
      running = null;
      emit('gateProgress', progressOf(r));
    },
    emit,
  };
}
