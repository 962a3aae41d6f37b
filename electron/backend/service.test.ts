// createBackend against real workspace files in a temporary directory: the first run seeds and
// extracts the demo, later runs open what is there, and a file that is not a workspace is refused.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/src/api/index.js';
import { RUNTIME_VERSION } from '../../shared/src/version.js';
import { WorkspaceOpenError } from '../services/workspace/index.js';
import type { Backend } from './ports.js';
import { createBackend } from './service.js';
import { backendOptions, call, demoId, readDemo, tempFolder, WEB_HOST_DEFAULT_SETTINGS, type TempFolder, type TestOptionsOver } from './test-support.js';

const schemaFields = (JSON.parse(readDemo('schema.json')) as { fields: { name: string }[] }).fields.map((f) => f.name);
const options = (workspacePath: string, over: TestOptionsOver = {}) => backendOptions(workspacePath, { appVersion: '9.9.9-test', ...over });

let folder: TempFolder;
let dir: string;
const open: Backend[] = [];
beforeAll(() => {
  folder = tempFolder('casebook-backend-');
  dir = folder.dir;
});
afterEach(() => {
  for (const b of open.splice(0)) b.close();
});
afterAll(() => folder.cleanup());

async function start(name: string, over: TestOptionsOver = {}): Promise<Backend> {
  const backend = await createBackend(options(join(dir, name), over));
  open.push(backend);
  return backend;
}

describe('createBackend on a new path with the demo', () => {
  it('creates the workspace file, seeds 140 messages and extracts every one with the embedded provider', async () => {
    const path = join(dir, 'sub', 'folder', 'demo.casebook');
    expect(existsSync(path)).toBe(false);
    const backend = await createBackend(options(path));
    open.push(backend);
    expect(existsSync(path)).toBe(true);

    const counts = await call(backend, 'getCounts', {});
    expect(counts.total).toBe(140);
    expect(counts.byStatus.new).toBe(0);
    expect(counts.byStatus.corrected).toBe(0);
    expect(counts.byStatus.accepted).toBe(0);
    expect(counts.byStatus.extracted + counts.byStatus.needs_review).toBe(140);
    // Invalid answers and valid ones the embedded provider was unsure of (confidence below the threshold).
    expect(counts.byStatus.needs_review).toBeGreaterThanOrEqual(counts.invalid);

    const info = await call(backend, 'getAppInfo', {});
    expect(info).toEqual({ version: '9.9.9-test', runtimeVersion: RUNTIME_VERSION, host: 'web', workspacePath: path, messageCount: 140 });

    const { message, extraction } = await call(backend, 'getMessage', { id: demoId('demo-001') });
    expect(message.source).toBe('demo');
    expect(extraction).not.toBeNull();
    const rulebook = await call(backend, 'getRulebook', {});
    expect(extraction!.trace.rulebook.id).toBe(rulebook.id);
    expect(extraction!.trace.rulebook.id).toBe('tidewell-support');
    expect(extraction!.trace.rulebook.hash).toMatch(/^sha256:/);
    expect(extraction!.trace.provider.name).toBe('embedded');
    expect(extraction!.messageId).toBe(message.id);
    expect(extraction!.runId).toBeNull();
    expect(Object.keys(extraction!.output).sort()).toEqual([...schemaFields].sort());
  });

  it('opens the same path again without reseeding or duplicating anything', async () => {
    const first = await start('twice.casebook', { host: 'electron' });
    const before = await call(first, 'listMessages', { limit: 500 });
    const firstDetail = await call(first, 'getMessage', { id: demoId('demo-048') });
    first.close();
    open.length = 0;

    const second = await start('twice.casebook', { host: 'electron' });
    const counts = await call(second, 'getCounts', {});
    expect(counts.total).toBe(140);
    expect(counts.byStatus.new).toBe(0);
    const after = await call(second, 'listMessages', { limit: 500 });
    expect(after.items.map((m) => m.id)).toEqual(before.items.map((m) => m.id));
    // Not extracted again either: the newest extraction is the one from the first run.
    const secondDetail = await call(second, 'getMessage', { id: demoId('demo-048') });
    expect(secondDetail.extraction!.id).toBe(firstDetail.extraction!.id);
    expect((await call(second, 'getRulebook', {})).precedents).toHaveLength(569);
    expect((await call(second, 'getAppInfo', {})).host).toBe('electron');
  });
});

describe('createBackend without the demo', () => {
  it('gives an empty workspace: no rulebook, no messages', async () => {
    const path = join(dir, 'empty.casebook');
    const backend = await start('empty.casebook', { demo: false });
    expect(existsSync(path)).toBe(true);
    const page = await call(backend, 'listMessages', {});
    expect(page).toEqual({ items: [], nextCursor: null, total: 0 });
    expect((await call(backend, 'getCounts', {})).total).toBe(0);
    expect((await call(backend, 'getAppInfo', {})).messageCount).toBe(0);
    const failure = await Promise.resolve()
      .then(() => call(backend, 'getRulebook', {}))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).failure.code).toBe('not_found');
    // Settings still answer, with the defaults.
    expect(await call(backend, 'getSettings', {})).toEqual({ ...WEB_HOST_DEFAULT_SETTINGS, model: '' });
  });

  it('does not add the demo to an existing empty workspace later', async () => {
    await start('empty-later.casebook', { demo: false });
    open.splice(0).forEach((b) => b.close());
    const again = await start('empty-later.casebook', { demo: true });
    expect((await call(again, 'getCounts', {})).total).toBe(0);
  });
});

describe('createBackend on a file that is not a workspace', () => {
  it('fails with a clear error and leaves the file as it was', async () => {
    const path = join(dir, 'notes.txt');
    const content = 'These are my notes, not a database.\n'.repeat(200);
    writeFileSync(path, content);
    const error = await createBackend(options(path)).then(
      (b) => {
        open.push(b);
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkspaceOpenError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/not a Casebook workspace|damaged/);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(statSync(path).size).toBe(Buffer.byteLength(content));
  });

  it('refuses an SQLite database of another application without touching it', async () => {
    const Database = (await import('better-sqlite3')).default;
    const path = join(dir, 'other-app.sqlite');
    const db = new Database(path);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')");
    db.close();
    const bytes = readFileSync(path);
    const error = await createBackend(options(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceOpenError);
    expect((error as Error).message).toMatch(/another application/);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT body FROM notes').pluck().all()).toEqual(['keep me']);
    expect(check.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'messages'").pluck().get()).toBe(0);
    check.close();
    // Its pages are as they were. (The header is not: workspace.ts switches the journal to WAL before
    // it checks whose file it is. Reported; not this module's code.)
    expect(readFileSync(path).subarray(100).equals(bytes.subarray(100))).toBe(true);
  });
});

describe('createBackend when the demo cannot be made', () => {
  it('fails, and the next start on the same path makes the demo', async () => {
    const path = join(dir, 'retry.casebook');
    const missing = join(dir, 'no-resources-here');
    const error = await createBackend(options(path, { resourcesDir: missing })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(missing);
    expect(existsSync(path)).toBe(false);

    const backend = await start('retry.casebook');
    const counts = await call(backend, 'getCounts', {});
    expect(counts.total).toBe(140);
    expect(counts.byStatus.new).toBe(0);
  });
});
