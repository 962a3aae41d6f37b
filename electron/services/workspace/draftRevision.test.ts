import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspaces, type TempWorkspaces } from './test-helpers.js';

let temp: TempWorkspaces;
afterEach(() => temp?.cleanup());

describe('the draft revision', () => {
  it('moves on every write to a table the draft is made of, not on others, and never comes back to a value after a rollback', () => {
    temp = tempWorkspaces();
    const ws = temp.open();
    const seen = new Set<string>([ws.draftRevision()]);
    const moved = (sql: string) => {
      ws.db.exec(sql);
      const r = ws.draftRevision();
      const isNew = !seen.has(r);
      seen.add(r);
      return isNew;
    };
    expect(moved("INSERT INTO settings (key, value, updated_at) VALUES ('x', '1', '2026-01-01')")).toBe(true);
    expect(moved("UPDATE settings SET value = '2' WHERE key = 'x'")).toBe(true);
    expect(moved("DELETE FROM settings WHERE key = 'x'")).toBe(true);
    // The inbox is not part of the draft.
    const before = ws.draftRevision();
    ws.db.exec("INSERT INTO messages (id, text, received_at, imported_at, status, content_hash) VALUES ('m1', 'hi', '2026-01-01', '2026-01-01', 'new', 'h1')");
    expect(ws.draftRevision()).toBe(before);
    // A write rolled back still moves it, and the next write gives a value never seen before: a
    // draft assembled inside the rolled-back transaction cannot be mistaken for the next one.
    expect(() =>
      ws.write(() => {
        ws.db.exec("INSERT INTO settings (key, value, updated_at) VALUES ('y', '1', '2026-01-01')");
        seen.add(ws.draftRevision());
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(moved("INSERT INTO settings (key, value, updated_at) VALUES ('z', '1', '2026-01-01')")).toBe(true);
  });
});
