// Publishing a large draft: the demo grown to 10,000 precedents (variants of its own, same
// answers), the regression gate with the embedded provider, then the publish itself (artifact,
// signature, changelog, one transaction); then a second publish over that one, whose gate also
// judges regressions against it. Part of `npm run bench`; prints numbers, asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openWorkspace, SETTING_KEYS, type StoredDraft } from '../../services/workspace/index.js';
import { benchBackendOptions } from '../bench-support.js';
import { draftArtifact } from '../draft.js';
import { createBackend, createBackendContext } from '../service.js';
import { GateService } from './gate.js';
import { createPublishHandlers } from './handlers.js';

const COUNT = Number(process.env.CASEBOOK_BENCH_PUBLISH_PRECEDENTS ?? 10_000);

export async function benchPublish(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-publish-'));
  try {
    const path = join(dir, 'publish.casebook');
    (await createBackend(benchBackendOptions(path))).close();
    const ws = openWorkspace(path);
    const ctx = createBackendContext(ws, benchBackendOptions(path));
    try {
      const demo = ctx.repos.precedents.active();
      const extra = COUNT - demo.length;
      ctx.transaction(() =>
        ctx.repos.precedents.createMany(
          Array.from({ length: Math.max(0, extra) }, (_, i) => {
            const p = demo[i % demo.length]!;
            return { message: { ...p.message, text: `${p.message.text}\nRef ${i + 1}.` }, output: p.output, author: 'bench' };
          }),
        ),
      );
      const gates = new GateService(ctx);
      const handlers = createPublishHandlers(ctx, {}, gates);
      const precedents = draftArtifact(ctx.repos).precedents.length;

      console.log(`\n## Publishing a draft of ${precedents.toLocaleString('en')} precedents with the embedded provider (gate included)`);
      console.log(`${'case'.padEnd(34)}  ${'gate s'.padStart(7)}  ${'publish s'.padStart(9)}  ${'total s'.padStart(7)}  ${'precedents/s'.padStart(12)}  ${'failed'.padStart(6)}  ${'loop max ms'.padStart(11)}`);
      for (const name of ['first publish (no baseline)', 'next publish (regressions vs v1)']) {
        if (name.startsWith('next')) {
          // A small change, so the draft is a new one: the instructions gain a sentence.
          const draft = ctx.repos.settings.get<StoredDraft>(SETTING_KEYS.draftRulebook);
          if (draft) ctx.repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, instructions: `${draft.instructions}\nBe brief.` });
        }
        // The longest the event loop was held meanwhile (what a call from the window would wait).
        let maxGap = 0;
        let last = performance.now();
        const ticker = setInterval(() => {
          const now = performance.now();
          maxGap = Math.max(maxGap, now - last);
          last = now;
        }, 1);
        const t0 = performance.now();
        const started = await handlers.startGate({});
        const gate = await gates.settled(started.id);
        const t1 = performance.now();
        await handlers.publishDraft({ gateId: gate.id, note: 'bench', ...(gate.failed ? { overrideReason: 'bench' } : {}) });
        const t2 = performance.now();
        clearInterval(ticker);
        const gateS = (t1 - t0) / 1000;
        const publishS = (t2 - t1) / 1000;
        console.log(
          `${name.padEnd(34)}  ${gateS.toFixed(2).padStart(7)}  ${publishS.toFixed(2).padStart(9)}  ${(gateS + publishS).toFixed(2).padStart(7)}  ${(gate.total / gateS).toFixed(0).padStart(12)}  ${String(gate.failed).padStart(6)}  ${maxGap.toFixed(1).padStart(11)}`,
        );
      }
      console.log('(gate: every precedent replayed; publish: artifact, hash, signature, changelog and the version stored in one transaction)');
    } finally {
      ws.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `tsx electron/backend/publish/bench.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) await benchPublish();
