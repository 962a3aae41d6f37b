// Test support: real workspace files in a fresh temporary directory, and a clock that ticks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExtractionResult, Extraction } from '../../../shared/src/domain.js';
import { openWorkspace, type OpenWorkspaceOptions, type Workspace } from './workspace.js';

export interface TempWorkspaces {
  dir: string;
  path(name?: string): string;
  open(name?: string, options?: OpenWorkspaceOptions): Workspace;
  cleanup(): void;
}

export function tempWorkspaces(): TempWorkspaces {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-ws-'));
  const opened: Workspace[] = [];
  return {
    dir,
    path: (name = 'workspace.casebook') => join(dir, name),
    open(name = 'workspace.casebook', options: OpenWorkspaceOptions = {}) {
      const ws = openWorkspace(join(dir, name), { now: tickingClock(), ...options });
      opened.push(ws);
      return ws;
    },
    cleanup() {
      for (const ws of opened) ws.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clock starting at 2026-03-01T00:00:00Z that moves one second per call. */
export function tickingClock(start = Date.UTC(2026, 2, 1)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

export function result(output: Extraction, valid = true): ExtractionResult {
  return {
    output,
    valid,
    errors: valid ? [] : [{ path: '/urgency', message: 'must be one of low, medium, high, critical' }],
    trace: {
      runtimeVersion: 'test',
      rulebook: { id: 'rb', version: 1, hash: 'sha256:abc' },
      provider: { name: 'embedded', model: 'embedded', params: { temperature: 0, seed: 7, k: 8 } },
      promptHash: 'p',
      cacheKey: 'c',
      precedents: [],
      guidance: [],
      rulesFired: [],
      aliases: [],
      rawOutput: null,
      cacheHit: false,
      latencyMs: 1,
      usage: null,
      attempts: 1,
    },
  };
}

/**
 * Every row of every table (full-text index tables included), each table's rows as sorted JSON:
 * two equal snapshots mean nothing was written in between, or all of it was rolled back.
 */
export function workspaceSnapshot(ws: Pick<Workspace, 'db'>): Record<string, string[]> {
  const tables = ws.db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
    .all();
  const snapshot: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = ws.db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all();
    snapshot[name] = rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))).sort();
  }
  return snapshot;
}

/** The error an injected failure throws. */
export class InjectedFailure extends Error {
  constructor(where: string) {
    super(`injected failure after ${where}`);
    this.name = 'InjectedFailure';
  }
}

/**
 * Makes `object[method]` do its work and then throw: a failure midway through a use case, after a
 * write. Returns the function that puts the method back.
 */
export function failAfter<T extends object, K extends keyof T>(object: T, method: K): () => void {
  const original = object[method];
  if (typeof original !== 'function') throw new TypeError(`${String(method)} is not a method`);
  const own = Object.prototype.hasOwnProperty.call(object, method);
  Object.defineProperty(object, method, {
    configurable: true,
    writable: true,
    value(this: unknown, ...args: unknown[]) {
      (original as (...a: unknown[]) => unknown).apply(this, args);
      throw new InjectedFailure(String(method));
    },
  });
  return () => {
    if (own) Object.defineProperty(object, method, { configurable: true, writable: true, value: original });
    else delete (object as Record<PropertyKey, unknown>)[method as PropertyKey];
  };
}

/**
 * Makes SQLite refuse a kind of statement on this connection (a temporary trigger, so the file's
 * schema is untouched): `failStatement(ws, 'UPDATE OF status ON messages')`. For failures inside a
 * repository method, between two of its own statements. Returns the function that drops it.
 */
export function failStatement(ws: Pick<Workspace, 'db'>, event: string): () => void {
  const name = `injected_failure_${Math.random().toString(36).slice(2, 10)}`;
  ws.db.exec(`CREATE TEMP TRIGGER ${name} BEFORE ${event} BEGIN SELECT RAISE(ABORT, 'injected failure on ${event.replace(/'/g, "''")}'); END`);
  return () => ws.db.exec(`DROP TRIGGER IF EXISTS temp.${name}`);
}
