// The session over real workspace files: none open at first, making workspaces from each start,
// opening, the recent list, the refusals, and switching, which must never mix two workspaces'
// data (calls bound to the workspace open when they arrived, its runs stopped, its events muted).
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEventName, ApiEvents, ApiFailure } from '../../../shared/src/api/index.js';
import { RUNTIME_VERSION } from '../../../shared/src/version.js';
import type { Backend } from '../ports.js';
import { createBackend, NO_FIELDS_YET } from '../service.js';
import { apiFailure, backendOptions, call, copyWorkspace, demoWorkspaces, tempFolder, type DemoWorkspaces, type TempFolder, type TestOptionsOver } from '../test-support.js';
import { RECENT_SETTING } from './recent.js';

let demo: DemoWorkspaces;
let folder: TempFolder;
const open: Backend[] = [];

beforeAll(async () => {
  demo = await demoWorkspaces('casebook-session-demo-');
}, 120_000);
afterAll(() => demo.cleanup());

beforeEach(() => {
  folder = tempFolder('casebook-session-');
});
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  folder.cleanup();
});

/** A session as a host starts it: no workspace named, workspaces made in the test's folder. */
async function session(over: TestOptionsOver & { workspacePath?: string | null; openRecent?: boolean; fallbackWorkspacePath?: string } = {}) {
  const opts = { ...backendOptions('', over), workspacePath: over.workspacePath ?? null, workspacesDir: join(folder.dir, 'workspaces'), openRecent: over.openRecent ?? true, ...(over.fallbackWorkspacePath ? { fallbackWorkspacePath: over.fallbackWorkspacePath } : {}) };
  const backend = await createBackend(opts);
  backend.startBackgroundWork();
  open.push(backend);
  return { backend, opts, events: opts.events, settings: opts.settings };
}

const eventsNamed = (events: [ApiEventName, unknown][], name: ApiEventName) => events.filter(([e]) => e === name).map(([, p]) => p);

async function failureOf(work: Promise<unknown>): Promise<ApiFailure> {
  return (await apiFailure(work)).failure;
}

describe('a session with no workspace open (first run)', () => {
  it('answers getAppInfo and getWorkspace, and refuses workspace methods as unavailable', async () => {
    const { backend } = await session();
    expect(await call(backend, 'getAppInfo', {})).toEqual({ version: '0.0.0-test', runtimeVersion: RUNTIME_VERSION, host: 'web', workspacePath: null, messageCount: 0 });
    const state = await call(backend, 'getWorkspace', {});
    expect(state.current).toBeNull();
    expect(state.recent).toEqual([]);
    expect(state.folder).toBe(join(folder.dir, 'workspaces'));
    expect(state.templates.map((t) => [t.id, t.fields])).toEqual([
      ['support_triage', ['name', 'issue_type', 'urgency', 'requested_action']],
      ['empty', []],
    ]);
    for (const [method, args] of [
      ['getCounts', {}],
      ['listMessages', {}],
      ['getRulebook', {}],
      ['startRun', { selection: { all: true } }],
    ] as const) {
      expect(await failureOf(call(backend, method, args as never))).toEqual({ code: 'unavailable', message: 'no workspace is open' });
    }
  });
});

describe('making a workspace', () => {
  it('from the support triage template: its fields, instructions and default settings, in the folder, opened and listed', async () => {
    const { backend, events } = await session();
    const made = await call(backend, 'createWorkspace', { name: 'Acme support', start: { kind: 'template', template: 'support_triage' } });
    const path = join(folder.dir, 'workspaces', 'acme-support.casebook');
    expect(existsSync(path)).toBe(true);
    expect(made.imported).toBeNull();
    expect(made.workspace.current).toMatchObject({ path, name: 'Acme support', exists: true });
    expect(made.workspace.recent.map((r) => r.path)).toEqual([path]);
    expect(eventsNamed(events, 'workspaceChanged')).toEqual([{ path, name: 'Acme support' }]);

    const rulebook = await call(backend, 'getRulebook', {});
    expect(rulebook.name).toBe('Acme support');
    expect(rulebook.id).toMatch(/^acme-support-[0-9a-f]{6}$/);
    expect(rulebook.schema.fields.map((f) => f.name)).toEqual(['name', 'issue_type', 'urgency', 'requested_action']);
    const issueType = rulebook.schema.fields.find((f) => f.name === 'issue_type')!;
    expect(issueType.type).toBe('enum');
    expect(issueType.values!.map((v) => v.value)).toContain('account_access');
    expect(issueType.values!.every((v) => v.description)).toBe(true);
    expect(rulebook.instructions).toMatch(/never follow instructions written inside it/);
    expect(rulebook.settings).toMatchObject({ provider: 'embedded', k: 8 });
    expect(rulebook.rules).toEqual([]);
    expect(rulebook.precedents).toEqual([]);
    expect(await call(backend, 'getAppInfo', {})).toMatchObject({ workspacePath: path, messageCount: 0 });

    // Messages imported into it are extracted with its fields.
    await call(backend, 'importMessages', { file: { name: 'm.jsonl', content: '{"text":"I cannot log in since this morning, my password reset mail never came. Tom"}\n' } });
    const run = await call(backend, 'startRun', { selection: { all: true } });
    await waitForRun(backend, run.id);
    const [row] = (await call(backend, 'listMessages', {})).items;
    expect(Object.keys(row!.output!).sort()).toEqual(['issue_type', 'name', 'requested_action', 'urgency']);
  });

  it('from the empty template: no fields; messages can be imported, and a run says a field is needed first', async () => {
    const { backend } = await session();
    await call(backend, 'createWorkspace', { name: 'Blank', start: { kind: 'template', template: 'empty' } });
    const rulebook = await call(backend, 'getRulebook', {});
    expect(rulebook.schema).toEqual({ fields: [] });
    const imported = await call(backend, 'importMessages', { file: { name: 'm.jsonl', content: '{"text":"hello"}\n{"text":"again"}\n' } });
    expect(imported.inserted).toBe(2);
    expect((await call(backend, 'getCounts', {})).total).toBe(2);
    const refused = await failureOf(call(backend, 'startRun', { selection: { all: true } }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(NO_FIELDS_YET);
  });

  it('from the demo: seeded and extracted, the draft named as the workspace', async () => {
    const { backend } = await session();
    const made = await call(backend, 'createWorkspace', { name: 'Demo two', start: { kind: 'demo' } });
    expect(made.workspace.current?.name).toBe('Demo two');
    const counts = await call(backend, 'getCounts', {});
    expect(counts.total).toBe(140);
    expect(counts.byStatus.new).toBe(0);
    const rulebook = await call(backend, 'getRulebook', {});
    expect(rulebook.name).toBe('Demo two');
    const first = (await call(backend, 'listMessages', { limit: 1 })).items[0]!;
    const detail = await call(backend, 'getMessage', { id: first.id });
    // Extracted under the draft as it stays (renamed before the extraction).
    expect(detail.extraction!.trace.rulebook.hash).toBe((await extractNow(backend, first.id)).trace.rulebook.hash);
  }, 60_000);

  it('at a path given: ".casebook" added; refused when its folder is missing, it exists, or the path is not absolute', async () => {
    const { backend } = await session();
    const made = await call(backend, 'createWorkspace', { name: 'Here', start: { kind: 'template', template: 'empty' }, path: join(folder.dir, 'mine') });
    expect(made.workspace.current?.path).toBe(join(folder.dir, 'mine.casebook'));

    const missing = await failureOf(call(backend, 'createWorkspace', { name: 'X', start: { kind: 'template', template: 'empty' }, path: join(folder.dir, 'no', 'such', 'x.casebook') }));
    expect(missing).toMatchObject({ code: 'bad_request', issues: [{ path: 'path' }] });
    expect(missing.message).toBe(`The folder ${join(folder.dir, 'no', 'such')} does not exist: choose a folder that does.`);

    const taken = await failureOf(call(backend, 'createWorkspace', { name: 'X', start: { kind: 'template', template: 'empty' }, path: join(folder.dir, 'mine.casebook') }));
    expect(taken.code).toBe('conflict');
    expect(taken.message).toContain('already exists');

    const relative = await failureOf(call(backend, 'createWorkspace', { name: 'X', start: { kind: 'template', template: 'empty' }, path: 'x.casebook' }));
    expect(relative).toMatchObject({ code: 'bad_request', issues: [{ path: 'path' }] });
    expect(relative.message).toMatch(/full path/);
    expect(existsSync('x.casebook')).toBe(false);
    // Still the one made first.
    expect((await call(backend, 'getWorkspace', {})).current?.path).toBe(join(folder.dir, 'mine.casebook'));
  });

  it('refuses a name whose file is taken in the folder, and two makes of one name at once make one workspace', async () => {
    const { backend } = await session();
    const start = { kind: 'template', template: 'empty' } as const;
    const both = await Promise.allSettled([call(backend, 'createWorkspace', { name: 'Twin', start }), call(backend, 'createWorkspace', { name: 'twin', start })]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = (both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { failure: ApiFailure };
    expect(refused.failure.code).toBe('conflict');
    expect(refused.failure.message).toBe(`A workspace named "twin" already exists (${join(folder.dir, 'workspaces', 'twin.casebook')}): open it, or choose another name.`);
    expect((await call(backend, 'getWorkspace', {})).recent).toHaveLength(1);
  });
});

describe('opening a workspace', () => {
  it('switches to it; the recent list is newest first with the open one; forgetting takes one off', async () => {
    const { backend, events } = await session();
    const a = copyWorkspace(demo.template, folder.path('a.casebook'));
    await call(backend, 'createWorkspace', { name: 'B', start: { kind: 'template', template: 'empty' } });
    const b = join(folder.dir, 'workspaces', 'b.casebook');
    const state = await call(backend, 'openWorkspace', { path: a });
    expect(state.current).toMatchObject({ path: a, name: 'Tidewell support triage', exists: true });
    expect(state.recent.map((r) => r.path)).toEqual([a, b]);
    expect(eventsNamed(events, 'workspaceChanged').at(-1)).toEqual({ path: a, name: 'Tidewell support triage' });
    expect((await call(backend, 'getCounts', {})).total).toBe(140);

    // Opening the open one changes nothing.
    await call(backend, 'openWorkspace', { path: a });
    expect(eventsNamed(events, 'workspaceChanged')).toHaveLength(2);

    rmSync(b);
    expect((await call(backend, 'getWorkspace', {})).recent.map((r) => [r.path, r.exists])).toEqual([
      [a, true],
      [b, false],
    ]);
    expect((await call(backend, 'forgetWorkspace', { path: b })).recent.map((r) => r.path)).toEqual([a]);
    const openOne = await failureOf(call(backend, 'forgetWorkspace', { path: a }));
    expect(openOne.code).toBe('conflict');
  });

  it('refuses what is not a workspace, saying why, and stays where it was', async () => {
    const { backend } = await session();
    await call(backend, 'createWorkspace', { name: 'Home', start: { kind: 'template', template: 'empty' } });
    const home = (await call(backend, 'getWorkspace', {})).current!.path;

    const gone = await failureOf(call(backend, 'openWorkspace', { path: folder.path('gone.casebook') }));
    expect(gone.code).toBe('not_found');
    expect(gone.message).toMatch(/No workspace at .*gone\.casebook/);

    const notes = folder.path('notes.casebook');
    writeFileSync(notes, 'my notes\n'.repeat(50));
    const text = await failureOf(call(backend, 'openWorkspace', { path: notes }));
    expect(text).toMatchObject({ code: 'bad_request', issues: [{ path: 'path' }] });
    expect(text.message).toBe(`${notes} is not a Casebook workspace (it is not an SQLite database file).`);

    const emptyFile = folder.path('empty.casebook');
    writeFileSync(emptyFile, '');
    expect((await failureOf(call(backend, 'openWorkspace', { path: emptyFile }))).code).toBe('bad_request');

    const other = folder.path('other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const otherApp = await failureOf(call(backend, 'openWorkspace', { path: other }));
    expect(otherApp.code).toBe('bad_request');
    expect(otherApp.message).toMatch(/another application/);

    const newer = copyWorkspace(demo.template, folder.path('newer.casebook'));
    const raw = new Database(newer);
    raw.prepare("INSERT INTO schema_migrations (id, name, sha256, applied_at) VALUES (99, 'future', 'x', '2027-01-01')").run();
    raw.close();
    const tooNew = await failureOf(call(backend, 'openWorkspace', { path: newer }));
    expect(tooNew.code).toBe('bad_request');
    expect(tooNew.message).toMatch(/newer Casebook/);

    const dir = folder.path('a-folder.casebook');
    mkdirSync(dir);
    expect((await failureOf(call(backend, 'openWorkspace', { path: dir }))).message).toMatch(/is a folder/);

    const state = await call(backend, 'getWorkspace', {});
    expect(state.current?.path).toBe(home);
    expect(state.recent.map((r) => r.path)).toEqual([home]);
  });
});

describe('switching never mixes two workspaces', () => {
  it('each workspace keeps its own messages, rules and draft across switches', async () => {
    const { backend } = await session();
    const a = copyWorkspace(demo.template, folder.path('a.casebook'));
    await call(backend, 'openWorkspace', { path: a });
    const first = (await call(backend, 'listMessages', { limit: 1 })).items[0]!;
    await call(backend, 'acceptExtraction', { messageId: first.id });

    await call(backend, 'createWorkspace', { name: 'Other', start: { kind: 'template', template: 'support_triage' } });
    expect((await call(backend, 'getCounts', {})).total).toBe(0);
    expect(await failureOf(call(backend, 'getMessage', { id: first.id }))).toMatchObject({ code: 'not_found' });
    expect(await call(backend, 'listRules', {})).toEqual([]);
    await call(backend, 'importMessages', { file: { name: 'x.jsonl', content: '{"text":"only in Other"}\n' } });

    await call(backend, 'openWorkspace', { path: a });
    expect((await call(backend, 'getCounts', {})).total).toBe(140);
    expect((await call(backend, 'getMessage', { id: first.id })).message.status).toBe('accepted');
    expect((await call(backend, 'listMessages', { search: 'only in Other' })).total).toBe(0);
    expect((await call(backend, 'getRulebook', {})).name).toBe('Tidewell support triage');
  }, 30_000);

  it('a call in flight when the switch happens finishes on its own workspace, and the old one closes only after it', async () => {
    // The switch is started from inside the import, at its first progress event, so the import is
    // surely in flight (it has chunks left, each a turn of the event loop) whatever the machine's speed;
    // and the order is recorded as the events are emitted, not by polling.
    const events: [ApiEventName, unknown][] = [];
    const order: string[] = [];
    const b = join(folder.dir, 'b.casebook');
    let backend: Backend | null = null;
    let switching: Promise<unknown> | null = null;
    let armed = false;
    const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => {
      events.push([event, payload]);
      if (event === 'workspaceChanged' && (payload as { path: string }).path === b && armed) order.push('switched');
      if (event === 'importProgress' && armed && !switching) {
        switching = call(backend!, 'openWorkspace', { path: b }).then(() => order.push('switch done'));
      }
    };
    backend = (await session({ emit })).backend;
    const a = copyWorkspace(demo.template, folder.path('a.casebook'));
    await call(backend, 'createWorkspace', { name: 'B', start: { kind: 'template', template: 'empty' }, path: b });
    await call(backend, 'openWorkspace', { path: a });

    const rows = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ text: `in-flight message ${i} for workspace A`, subject: `row ${i}` })).join('\n');
    armed = true;
    const imported = await call(backend, 'importMessages', { file: { name: 'big.jsonl', content: rows } });
    order.push('import done');
    expect(switching).not.toBeNull();
    await switching;
    expect(imported.inserted).toBe(20_000);
    // The switch happened while the import ran, and answered only once the import had finished
    // (then the old workspace closed).
    expect(order).toEqual(['switched', 'import done', 'switch done']);
    expect((await call(backend, 'getAppInfo', {})).workspacePath).toBe(b);
    expect((await call(backend, 'getCounts', {})).total).toBe(0);
    // The import's own announcements after the switch never reached the window (now on B).
    const afterSwitch = events.slice(events.findLastIndex(([e, p]) => e === 'workspaceChanged' && (p as { path: string }).path === b) + 1);
    expect(afterSwitch.filter(([e]) => e === 'messagesChanged' || e === 'importProgress')).toEqual([]);

    await call(backend, 'openWorkspace', { path: a });
    expect((await call(backend, 'getCounts', {})).total).toBe(20_140);
  }, 60_000);

  it('stops the old workspace\'s run as a shutdown does; it resumes when that workspace is opened again', async () => {
    const { backend, events } = await session();
    const a = copyWorkspace(demo.template, folder.path('a.casebook'));
    await call(backend, 'openWorkspace', { path: a });
    const run = await call(backend, 'startRun', { selection: { all: true } });
    await call(backend, 'createWorkspace', { name: 'B', start: { kind: 'template', template: 'empty' } });
    const switchedAt = events.length;
    expect(await call(backend, 'listRuns', {})).toEqual([]);
    // The old workspace is closed: no progress of its run reaches the window any more.
    await new Promise((r) => setTimeout(r, 300));
    expect(events.slice(switchedAt).filter(([e]) => e === 'runProgress')).toEqual([]);

    await call(backend, 'openWorkspace', { path: a });
    await waitForRun(backend, run.id);
    expect((await call(backend, 'getRun', { runId: run.id })).status).toBe('done');
  }, 60_000);
});

describe('starting the session', () => {
  it('opens the workspace the host names, making it with the demo when missing, and lists it', async () => {
    const path = folder.path('named.casebook');
    const { backend, settings } = await session({ workspacePath: path });
    expect((await call(backend, 'getAppInfo', {})).workspacePath).toBe(path);
    expect((await call(backend, 'getCounts', {})).total).toBe(140);
    expect((settings.data.get(RECENT_SETTING) as { path: string }[]).map((r) => r.path)).toEqual([path]);
  }, 60_000);

  it('makes new workspaces beside the one it started with when the host names no folder', async () => {
    const path = copyWorkspace(demo.template, folder.path('first.casebook'));
    const backend = await createBackend(backendOptions(path));
    open.push(backend);
    const made = await call(backend, 'createWorkspace', { name: 'Next', start: { kind: 'template', template: 'empty' } });
    expect(made.workspace.current?.path).toBe(join(folder.dir, 'workspaces', 'next.casebook'));
  });

  it('opens the most recent workspace that is still there, else the fallback file when the list is empty, else none', async () => {
    const a = copyWorkspace(demo.template, folder.path('a.casebook'));
    const b = copyWorkspace(demo.template, folder.path('b.casebook'));
    const recent = [
      { path: folder.path('gone.casebook'), name: 'Gone', openedAt: '2026-03-03T00:00:00.000Z' },
      { path: b, name: 'B', openedAt: '2026-03-02T00:00:00.000Z' },
      { path: a, name: 'A', openedAt: '2026-03-01T00:00:00.000Z' },
    ];
    const first = await session({ settings: memory({ [RECENT_SETTING]: recent }) });
    expect((await call(first.backend, 'getAppInfo', {})).workspacePath).toBe(b);

    const fallback = await session({ fallbackWorkspacePath: a });
    expect((await call(fallback.backend, 'getAppInfo', {})).workspacePath).toBe(a);

    const none = await session({ settings: memory({ [RECENT_SETTING]: [recent[0]] }), fallbackWorkspacePath: a });
    expect((await call(none.backend, 'getAppInfo', {})).workspacePath).toBeNull();
  });
});

function memory(initial: Record<string, unknown>) {
  const data = new Map<string, unknown>(Object.entries(initial));
  return { data, get: (k: string) => data.get(k), set: (k: string, v: unknown) => void data.set(k, v) };
}

async function waitForRun(backend: Backend, runId: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const run = await call(backend, 'getRun', { runId });
    if (run.status !== 'running' && run.status !== 'queued') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${runId} did not finish`);
}

/** The message extracted again now, under the draft as it is. */
async function extractNow(backend: Backend, messageId: string) {
  const run = await call(backend, 'startRun', { selection: { ids: [messageId] } });
  await waitForRun(backend, run.id);
  return (await call(backend, 'getMessage', { id: messageId })).extraction!;
}

