// The draft's change history (migration 007): entries newest first, an undo marks what it undid,
// and an entry commits or rolls back with the change it records.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DraftHistoryRepository } from './draftHistory.js';
import { tempWorkspaces, type TempWorkspaces } from './test-helpers.js';
import type { Workspace } from './workspace.js';

let t: TempWorkspaces;
let ws: Workspace;
let history: DraftHistoryRepository;
beforeEach(() => {
  t = tempWorkspaces();
  ws = t.open();
  history = new DraftHistoryRepository(ws);
});
afterEach(() => t.cleanup());

const entry = (summary: string) => ({ kind: 'schema' as const, author: 'Maya', summary, change: { op: 'remove_field', field: 'x' }, undo: { schema: { fields: [] } } });

describe('draft history', () => {
  it('keeps who changed what and when, newest first, with what undoing it takes', () => {
    const a = history.add(entry('Remove field "x"'));
    const b = history.add({ ...entry('Instructions edited'), kind: 'instructions', undo: null });
    expect(history.list().map((e) => e.id)).toEqual([b.id, a.id]);
    expect(history.latest()?.id).toBe(b.id);
    expect(history.get(a.id)).toMatchObject({ kind: 'schema', author: 'Maya', summary: 'Remove field "x"', change: { op: 'remove_field', field: 'x' }, undo: { schema: { fields: [] } }, undoneBy: null, undoOf: null });
    expect(a.at <= b.at).toBe(true);
    expect(history.get(b.id)?.undo).toBeNull();
  });

  it('an undo marks the entry it undid, once', () => {
    const a = history.add(entry('Rename'));
    const u = history.add({ kind: 'undo', author: 'Maya', summary: 'Undo: Rename', change: { undo: a.id }, undo: null, undoOf: a.id });
    expect(history.get(a.id)?.undoneBy).toBe(u.id);
    expect(history.get(u.id)?.undoOf).toBe(a.id);
    expect(() => history.add({ kind: 'undo', author: 'Maya', summary: 'again', change: {}, undo: null, undoOf: a.id })).toThrow(/already undone/);
    expect(history.list()).toHaveLength(2);
  });

  it('the newest change not undone is the next to undo, walking back through the history', () => {
    expect(history.newestNotUndone()).toBeNull();
    const a = history.add(entry('A'));
    const b = history.add(entry('B'));
    expect(history.newestNotUndone()?.id).toBe(b.id);
    history.add({ kind: 'undo', author: 'Maya', summary: 'Undo: B', change: { undo: b.id }, undo: null, undoOf: b.id });
    expect(history.newestNotUndone()?.id).toBe(a.id);
    history.add({ kind: 'undo', author: 'Maya', summary: 'Undo: A', change: { undo: a.id }, undo: null, undoOf: a.id });
    expect(history.newestNotUndone()).toBeNull();
  });

  it('rolls back with the change it records', () => {
    expect(() =>
      ws.write(() => {
        history.add(entry('Half a change'));
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(history.list()).toEqual([]);
  });
});
