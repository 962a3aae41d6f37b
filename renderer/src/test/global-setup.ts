// Vitest global setup of the renderer project: seeds the template workspaces once per run, in a temp
// folder removed at the end, and hands their paths to the test files (`inject('casebook')`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildTemplates, type Templates } from './workspaces';

declare module 'vitest' {
  export interface ProvidedContext {
    casebook: Templates;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-renderer-tests-'));
  try {
    project.provide('casebook', await buildTemplates(dir));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
