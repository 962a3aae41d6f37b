// A rule's regular expression in the app and in production (issue 7): a pattern that hung a
// backtracking engine runs at once in both, a pattern the linear-time engine cannot run is refused
// by both with the same reason, and both extract the same output with the same spans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiArgs, ApiMethod, ApiResults } from '../../../shared/src/api/index.js';
import type { Rule } from '../../../shared/src/domain.js';
import { createExtractor } from '../../../shared/src/pipeline/extractor.js';
import { parseRulebook } from '../../../shared/src/rulebook/load.js';
import { RulebookError } from '../../../shared/src/rulebook/errors.js';
import { openWorkspace, repositories } from '../../services/workspace/index.js';
import { draftArtifact } from '../draft.js';
import type { Backend } from '../ports.js';
import { createBackend } from '../service.js';
import { apiFailure as failure, backendOptions, call, demoWorkspaces, type DemoWorkspaces } from '../test-support.js';

// 31 "a"s took more than 60 s under RegExp (issue 7), each extra one doubling it: 40 would take hours.
const HUNG = `${'a'.repeat(40)}!`;

let demo: DemoWorkspaces;
beforeAll(async () => {
  demo = await demoWorkspaces('casebook-patterns-');
}, 60_000);
afterAll(() => demo.cleanup());

async function backend(): Promise<Backend & { call: <M extends ApiMethod>(m: M, a: ApiArgs<M>) => Promise<ApiResults[M]>; path: string }> {
  const path = demo.copy();
  const b = await createBackend(backendOptions(path, { demo: false }));
  return { ...b, call: (method, args) => call(b, method, args), path };
}

const rule = (id: string, pattern: string): Rule => ({
  id,
  kind: 'override',
  rationale: 'runs of a',
  enabled: true,
  provenance: { precedentIds: [], author: 'test', createdAt: '2026-11-30T00:00:00.000Z' },
  when: { kind: 'regex', pattern },
  set: { urgency: 'high' },
});

describe('rule patterns in the app and in the runtime', () => {
  it('a catastrophic backtracking pattern is saved, previewed, run and extracted at once, with the same result in both', async () => {
    const b = await backend();
    try {
      const imported = await b.call('importMessages', {
        file: { name: 'runs.jsonl', content: [HUNG, 'aaa', 'bbb'].map((text) => JSON.stringify({ text })).join('\n') },
      });
      expect(imported.inserted).toBe(3);
      const r = rule('r-runs', '(a+)+$');

      // The preview took 26 s and blocked every other call; now it answers with the one message it changes.
      await b.call('startRun', { selection: { all: true } });
      await waitForRuns(b);
      const preview = await b.call('previewRule', { rule: r });
      const previewed = preview.changed.map((c) => c.preview);
      expect(previewed).toContain('aaa');
      expect(previewed).not.toContain(HUNG);

      await b.call('saveRule', { rule: r });
      await b.call('startRun', { selection: { all: true } });
      await waitForRuns(b);

      // The same draft, as production loads it, extracts each message the same way.
      const ws = openWorkspace(b.path);
      const artifact = draftArtifact(repositories(ws));
      ws.close();
      const runtime = createExtractor(parseRulebook(JSON.stringify(artifact)));
      for (const text of [HUNG, 'aaa', 'bbb']) {
        const page = await b.call('listMessages', { limit: 500 });
        const id = page.items.find((m) => m.preview === text)?.id;
        expect(id, text).toBeTruthy();
        const app = await b.call('getMessage', { id: id! });
        const prod = await runtime.extract({ text });
        expect(app.extraction?.output, text).toEqual(prod.output);
        const fired = (t: { rulesFired: { ruleId: string; spans?: unknown }[] } | null | undefined) => t?.rulesFired.filter((f) => f.ruleId === 'r-runs');
        expect(fired(app.extraction?.trace), text).toEqual(fired(prod.trace));
      }
      expect((await runtime.extract({ text: 'aaa' })).trace.rulesFired.find((f) => f.ruleId === 'r-runs')?.spans).toEqual([{ start: 0, end: 3 }]);
    } finally {
      b.close();
    }
  });

  it('a pattern the linear-time engine cannot run is refused by saveRule and by the rulebook loader, for the same reason', async () => {
    const b = await backend();
    try {
      const bad = rule('r-lookahead', 'locked(?= out)');
      const saved = await failure(b.call('saveRule', { rule: bad }));
      expect(saved.failure.code).toBe('bad_request');
      const reason = saved.failure.issues?.find((i) => i.path === 'rule.when.pattern')?.message;
      expect(reason).toMatch(/lookahead and lookbehind .* are not supported/);
      expect((await failure(b.call('previewRule', { rule: bad }))).failure.issues?.[0]?.message).toBe(reason);

      // A rulebook written by hand (or by an older Casebook) with the same rule does not load.
      const ws = openWorkspace(b.path);
      const artifact = draftArtifact(repositories(ws));
      ws.close();
      const { rulebookHash } = await import('../../../shared/src/rulebook/hash.js');
      const tampered = { ...artifact, rules: [...artifact.rules, bad] };
      tampered.hash = rulebookHash(tampered);
      let loadError: unknown;
      try {
        parseRulebook(JSON.stringify(tampered), { source: 'hand-written.json' });
      } catch (err) {
        loadError = err;
      }
      expect(loadError).toBeInstanceOf(RulebookError);
      expect((loadError as Error).message).toContain(reason!);
    } finally {
      b.close();
    }
  });

  it('the rulebook-wide pattern budget holds at save and at restore', async () => {
    const b = await backend();
    try {
      const heavy = (id: string, n: number) => rule(id, `[a-z]{${n},240}x`); // about 480 steps each
      for (let i = 0; i < 4; i++) await b.call('saveRule', { rule: heavy(`h${i}`, i + 1) });
      await b.call('deleteRule', { id: 'h0' });
      await b.call('saveRule', { rule: heavy('h4', 5) });
      const over = await failure(b.call('saveRule', { rule: heavy('h5', 6) }));
      expect(over.failure.issues?.[0]?.message).toMatch(/with the draft's other rules, the regular expressions compile to \d+ steps in all; at most 2000/);
      // Restoring the deleted one would break the draft's budget: refused, saying why; the draft still loads.
      const restore = await failure(b.call('restoreRule', { id: 'h0' }));
      expect(restore.failure.code).toBe('conflict');
      expect(restore.failure.message).toMatch(/no longer fits the draft: .*at most 2000/);
      expect((await b.call('getRulebook', {})).rules.map((r) => r.id)).not.toContain('h0');
    } finally {
      b.close();
    }
  });
});

async function waitForRuns(b: { call: <M extends ApiMethod>(m: M, a: ApiArgs<M>) => Promise<ApiResults[M]> }): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const runs = await b.call('listRuns', {});
    if (runs.every((r) => r.status !== 'queued' && r.status !== 'running')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the runs did not end');
}
