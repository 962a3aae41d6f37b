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
