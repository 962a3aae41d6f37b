import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFailedError, MigrationHistoryError, WorkspaceCorruptError, WorkspaceTooNewError } from './errors.js';
import { migrationHash } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { ExtractionRepository } from './extractions.js';
import { MessageRepository } from './messages.js';
import { TraceRepository } from './traces.js';
import { failAfter, failStatement, InjectedFailure, result, tempWorkspaces, workspaceSnapshot, type TempWorkspaces } from './test-helpers.js';
import { CASEBOOK_APPLICATION_ID, openWorkspace } from './workspace.js';

let t: TempWorkspaces;
beforeEach(() => {
  t = tempWorkspaces();
});
afterEach(() => t.cleanup());

const tables = (db: Database.Database) =>
  db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type IN ('table') ORDER BY name").pluck().all();

describe('opening a workspace', () => {
  it('creates a fresh file with every migration recorded with its sha256', () => {
    const ws = t.open();
    expect(ws.applied.map((m) => m.id)).toEqual(MIGRATIONS.map((m) => m.id));
    const history = ws.db.prepare('SELECT id, name, sha256 FROM schema_migrations ORDER BY id').all();
    expect(history).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name, sha256: migrationHash(m) })));
    expect(tables(ws.db)).toEqual(
      expect.arrayContaining([
        'messages', 'messages_fts', 'extractions', 'precedents', 'rules', 'rulebook_versions', 'rulebook_labels',
        'runs', 'run_items', 'settings', 'traces', 'schema_migrations',
      ]),
    );
  });

  it('sets WAL, foreign keys, busy timeout, synchronous NORMAL and the Casebook application id', () => {
    const ws = t.open();
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(ws.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(ws.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(ws.db.pragma('application_id', { simple: true })).toBe(CASEBOOK_APPLICATION_ID);
  });

  it('reopens without applying anything and keeps the data', () => {
    const ws = t.open();
    new MessageRepository(ws).insert({ text: 'hello' });
    ws.close();
    expect(ws.isOpen).toBe(false);
    const again = t.open();
    expect(again.applied).toEqual([]);
    expect(new MessageRepository(again).count()).toBe(1);
  });

  it('upgrades an older workspace: 001 only, then all', () => {
    const old = t.open('w.casebook', { migrations: MIGRATIONS.slice(0, 1) });
    new MessageRepository(old).insert({ text: 'written by an older Casebook', receivedAt: '2026-03-01T10:00:00Z' });
    expect(tables(old.db)).not.toContain('rulebook_versions');
    old.close();

    const ws = t.open('w.casebook');
    expect(ws.applied.map((m) => m.id)).toEqual(MIGRATIONS.slice(1).map((m) => m.id));
    expect(tables(ws.db)).toEqual(expect.arrayContaining(['rulebook_versions', 'traces']));
    const messages = new MessageRepository(ws);
    expect(messages.count()).toBe(1);
    expect(messages.search({ query: 'older' })).toHaveLength(1);
  });

  it('upgrades a 004 workspace to review priorities: old extractions unscored, new ones scored', () => {
    const old = t.open('w.casebook', { migrations: MIGRATIONS.slice(0, 4) });
    const { id } = new MessageRepository(old).insert({ text: 'extracted before 005', receivedAt: '2026-03-01T10:00:00Z' });
    old.db
      .prepare("INSERT INTO extractions (message_id, output, valid, created_at) VALUES (?, '{}', 0, '2026-03-01T10:01:00Z')")
      .run(id);
    old.db.prepare("UPDATE messages SET status = 'needs_review' WHERE id = ?").run(id);
    old.close();

    const ws = t.open('w.casebook');
    expect(ws.applied.map((m) => m.id)).toEqual(MIGRATIONS.slice(4).map((m) => m.id));
    const messages = new MessageRepository(ws);
    const page = messages.page({ filter: { status: 'needs_review' }, order: 'priority' });
    expect(page.items.map((r) => [r.id, r.latest?.valid])).toEqual([[id, false]]);
    const priority = () => ws.db.prepare('SELECT review_priority FROM messages WHERE id = ?').pluck().get(id);
    expect(priority()).toBeNull();
    new ExtractionRepository(ws).insert({ messageId: id, result: result({}, false), reviewPriority: 0.6 });
    expect(priority()).toBe(0.6);
  });

  it('upgrades a 005 workspace to traces with a model: the traces it held keep everything, their model unknown', () => {
    const old = t.open('w.casebook', { migrations: MIGRATIONS.slice(0, 5) });
    old.db
      .prepare(`INSERT INTO traces (id, source, received_at, message, output, imported_at)
        VALUES ('t-1', 'prod', '2026-04-01T00:00:00.000Z', '{"text":"hi"}', '{"issue_type":"bug"}', '2026-04-02T00:00:00.000Z')`)
      .run();
    old.close();
    const ws = t.open('w.casebook', { migrations: MIGRATIONS.slice(0, 6) });
    expect(ws.applied.map((m) => m.id)).toEqual([6]);
    expect(new TraceRepository(ws).list()).toEqual([expect.objectContaining({ id: 't-1', message: { text: 'hi' }, output: { issue_type: 'bug' }, model: null })]);
  });

  it('refuses a workspace whose recorded hash differs, naming the migration', () => {
    t.open('w.casebook').close();
    const raw = new Database(t.path('w.casebook'));
    raw.prepare("UPDATE schema_migrations SET sha256 = 'tampered' WHERE id = 2").run();
    raw.close();
    const open = () => openWorkspace(t.path('w.casebook'));
    expect(open).toThrow(MigrationHistoryError);
    expect(open).toThrow(/002_rulebook_versions.*diverged|diverged.*002_rulebook_versions/);
  });

  it('refuses a workspace written by a newer Casebook (an unknown migration id)', () => {
    t.open('w.casebook').close();
    const raw = new Database(t.path('w.casebook'));
    raw.prepare("INSERT INTO schema_migrations (id, name, sha256, applied_at) VALUES (99, 'future', 'x', '2027-01-01')").run();
    raw.close();
    let error: unknown;
    try {
      openWorkspace(t.path('w.casebook'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkspaceTooNewError);
    expect((error as Error).message).toMatch(/newer Casebook.*099_future/);
    expect((error as WorkspaceTooNewError).migrationId).toBe(99);
  });

  it('refuses a history with a gap', () => {
    t.open('w.casebook').close();
    const raw = new Database(t.path('w.casebook'));
    raw.prepare('DELETE FROM schema_migrations WHERE id = 2').run();
    raw.close();
    expect(() => openWorkspace(t.path('w.casebook'))).toThrow(/002_rulebook_versions was never recorded/);
  });

  it('rolls back a failing migration and leaves the file at the version before it', () => {
    const broken = [...MIGRATIONS.slice(0, 1), { id: 2, name: 'broken', up: 'CREATE TABLE half_done (x); SELECT * FROM no_such_table;' }];
    expect(() => t.open('w.casebook', { migrations: broken })).toThrow(MigrationFailedError);
    const raw = new Database(t.path('w.casebook'));
    expect(raw.prepare('SELECT id FROM schema_migrations').pluck().all()).toEqual([1]);
    expect(tables(raw)).not.toContain('half_done');
    raw.close();
    expect(t.open('w.casebook').applied.map((m) => m.id)).toEqual(MIGRATIONS.slice(1).map((m) => m.id));
  });

  it('refuses a file that is not a database', () => {
    writeFileSync(t.path('junk.casebook'), 'this is not SQLite, just some text that is long enough to have a header'.repeat(20));
    expect(() => openWorkspace(t.path('junk.casebook'))).toThrow(WorkspaceCorruptError);
  });

  it("refuses another application's SQLite database", () => {
    const raw = new Database(t.path('other.db'));
    raw.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY)');
    raw.close();
    expect(() => openWorkspace(t.path('other.db'))).toThrow(/another application/);
  });

  it('refuses to create a file when it must exist, and refuses :memory:', () => {
    expect(() => openWorkspace(t.path('missing.casebook'), { mustExist: true })).toThrow(/No workspace/);
    expect(() => openWorkspace(':memory:')).toThrow(/a file/);
  });

  it('is usable by two connections at once (WAL readers while writing)', () => {
    const a = t.open('shared.casebook');
    const b = t.open('shared.casebook');
    const ma = new MessageRepository(a);
    const mb = new MessageRepository(b);
    ma.insert({ text: 'one' });
    expect(mb.count()).toBe(1);
  });
});

describe('transactions', () => {
  it('roll back every write of a failed transaction and keep earlier data', () => {
    const ws = t.open();
    const messages = new MessageRepository(ws);
    messages.insertMany([{ text: 'kept 1' }, { text: 'kept 2' }]);
    expect(() => messages.insertMany([{ text: 'lost 1' }, { text: 'lost 2' }, { text: '' }])).toThrow(/needs text/);
    expect(messages.count()).toBe(2);
    expect(messages.search({ query: 'lost' })).toEqual([]);

    expect(() =>
      ws.write(() => {
        messages.insert({ text: 'lost 3' });
        messages.setStatus(messages.insert({ text: 'kept 1' }).id, 'accepted');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(messages.count()).toBe(2);
    expect(messages.countByStatus().accepted).toBe(0);
  });

  it('a nested write joins the outer one: it commits only with it, and a later failure undoes it', () => {
    const ws = t.open();
    const messages = new MessageRepository(ws);
    messages.insert({ text: 'before' });
    const before = workspaceSnapshot(ws);
    expect(() =>
      ws.write(() => {
        // Each repository call is a write of its own, nested in the use case's.
        const { id } = messages.insert({ text: 'inside' });
        messages.setStatus(id, 'accepted');
        expect(ws.db.inTransaction).toBe(true);
        throw new Error('the use case failed after its writes');
      }),
    ).toThrow('the use case failed');
    expect(workspaceSnapshot(ws)).toEqual(before);

    const inner = ws.write(() => ws.write(() => messages.insert({ text: 'nested' }).id));
    expect(messages.get(inner)?.text).toBe('nested');
  });

  it('refuses work that returns a promise (its writes after an await would escape the transaction), writing nothing', async () => {
    const ws = t.open();
    const messages = new MessageRepository(ws);
    const before = workspaceSnapshot(ws);
    let afterAwait = false;
    expect(() =>
      // @ts-expect-error: the compiler refuses async work too
      ws.write(async () => {
        messages.insert({ text: 'before the await' });
        await Promise.resolve();
        afterAwait = true;
      }),
    ).toThrow(/promise/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(afterAwait).toBe(true);
    expect(workspaceSnapshot(ws)).toEqual(before);
  });

  it('check() reports ok on a healthy file and close() runs optimize and closes', () => {
    const ws = t.open();
    expect(ws.check()).toEqual(['ok']);
    ws.close();
    ws.close();
    expect(ws.isOpen).toBe(false);
  });
});

describe('the failure injection tests use', () => {
  it('a snapshot holds every table: it changes with a write and is equal again after a rollback', () => {
    const ws = t.open();
    const messages = new MessageRepository(ws);
    const empty = workspaceSnapshot(ws);
    expect(Object.keys(empty)).toEqual(expect.arrayContaining(['messages', 'extractions', 'precedents', 'rules', 'runs', 'run_items', 'settings', 'traces', 'messages_fts_data']));
    messages.insert({ text: 'one' });
    const one = workspaceSnapshot(ws);
    expect(one).not.toEqual(empty);
    expect(one.messages).toHaveLength(1);
    const restore = failAfter(messages, 'count');
    expect(() => ws.write(() => [messages.insert({ text: 'two' }), messages.count()])).toThrow(InjectedFailure);
    restore();
    expect(workspaceSnapshot(ws)).toEqual(one);
  });

  it('failAfter does the work, then throws; failStatement makes SQLite refuse a statement until dropped', () => {
    const ws = t.open();
    const messages = new MessageRepository(ws);
    const restore = failAfter(messages, 'insert');
    expect(() => messages.insert({ text: 'written, then a failure' })).toThrow(InjectedFailure);
    restore();
    expect(messages.count()).toBe(1);
    expect(messages.insert({ text: 'fine again' }).inserted).toBe(true);

    const id = messages.insert({ text: 'third' }).id;
    const drop = failStatement(ws, 'UPDATE OF status ON messages');
    expect(() => messages.setStatus(id, 'accepted')).toThrow(/injected failure on UPDATE OF status ON messages/);
    drop();
    expect(messages.setStatus(id, 'accepted')).toBe(true);
    expect(ws.db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'injected%'").pluck().get()).toBe(0);
  });
});
