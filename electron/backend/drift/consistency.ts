// Consistency (issue 12): each message of a selection extracted N times under one rulebook (the
// draft or a published version), provider and model, the response cache bypassed, the seed varied
// (seed + i) or not; then, per field, how far the N answers agree, and the unstable messages sent to
// the review queue.
//
// A repeat is a run of kind `consistency` (`<id>.<i>`, i = 1..N), its extractions stored like a
// comparison run's: beside the inbox, never the answer of record (the trigger of migration 009 moves
// it only for runs of kind `extract`). The repeats run one after another in the background, here
// rather than in the run queue (RunService executes inbox and comparison runs only); a repeat left
// running by a restart is not resumed: it is marked cancelled when the workspace opens again.
//
// The review queue: when the repeats end, each unstable message whose status is still a machine's
// (new, extracted, needs_review) gets a copy of its answer of record (same output, validity, errors
// and trace; no run) whose reasons start with one `unstable` reason per field ("unstable: issue_type
// differed across 3 repeats (bug, billing)") and whose review priority is at least the share of
// repeats that disagree with that answer, and its status becomes needs_review. The queue and the
// why panel already read an answer's reasons, so nothing new is needed to show it; the answers side
// by side are getConsistency's items. A person's decided message (accepted, corrected) is never
// touched: their answer stays the record and no reason is added.
import { randomUUID } from 'node:crypto';
import { ApiError, MACHINE_STATUSES, type ApiParsedArgs, type ConsistencyItem, type ConsistencyReport } from '../../../shared/src/api/index.js';
import type { Extraction, ExtractionResult, JsonValue, ModelSettings, RulebookArtifact } from '../../../shared/src/domain.js';
import { createExtractor, type Extractor } from '../../../shared/src/pipeline/extractor.js';
import { canonicalJson } from '../../../shared/src/rulebook/canonical.js';
import { toMessageInput, type StoredExtraction, type StoredReason, type StoredRun } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { schemaHashOf } from '../draft/stale.js';
import { hostNumber } from '../runs/handlers.js';
import { DEFAULT_CONCURRENCY, describeError, MAX_CONCURRENCY, RUN_SETTING, runRecord } from '../runs/service.js';
import { TimeSlice } from '../time-slice.js';

export const CONSISTENCY_KIND = 'consistency';
/** The reason kind an unstable message's answer carries in the review queue. */
export const UNSTABLE_REASON = 'unstable';
const PROGRESS_MS = 100;
const CURSOR = /^o:(\d{1,9})$/;

/** What a repeat run records as its selection: enough to rebuild the report. */
interface RepeatSelection {
  consistency: string;
  repeat: number;
  repeats: number;
  varySeed: boolean;
  seed: number;
  fields: string[];
  asked: JsonValue;
}

/** The artifact of a published version of the draft's rulebook, or the draft's (refusals in words). */
export function artifactFor(ctx: Pick<BackendContext, 'repos' | 'extraction'>, version: number | 'draft'): { artifact: RulebookArtifact; version: number | null } {
  let draft: RulebookArtifact;
  try {
    draft = ctx.extraction.draftRulebook();
  } catch (err) {
    throw new ApiError({ code: 'conflict', message: `cannot run: ${(err as Error).message}` });
  }
  if (version === 'draft') return { artifact: draft, version: null };
  const record = ctx.repos.rulebookVersions.byVersion(draft.id, version);
  if (!record) throw new ApiError({ code: 'not_found', message: `rulebook ${draft.id} has no published version ${version}` });
  return { artifact: record.artifact, version };
}

export const excerptOf = (text: string, max = 160): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

const valueKey = (v: JsonValue | undefined): string => canonicalJson(v ?? null);
const show = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

/** One message's N answers judged: which fields differ, and the share giving each field's most common answer. */
export function judgeAnswers(fields: readonly string[], answers: readonly { output: Extraction }[]): { unstableFields: string[]; agreement: number; perField: Map<string, Map<string, number>> } {
  const perField = new Map<string, Map<string, number>>();
  const unstableFields: string[] = [];
  let agreement = 1;
  for (const field of fields) {
    const counts = new Map<string, number>();
    for (const a of answers) {
      const k = valueKey(a.output[field]);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    perField.set(field, counts);
    if (counts.size > 1) unstableFields.push(field);
    if (answers.length) agreement = Math.min(agreement, Math.max(...counts.values()) / answers.length);
  }
  return { unstableFields, agreement: Math.round(agreement * 1e4) / 1e4, perField };
}

interface Analysis {
  signature: string;
  messages: number;
  fields: { field: string; agreement: number; unstable: number }[];
  /** Sorted: unstable first, lowest agreement first, then by message id. */
  items: { messageId: string; unstableFields: string[]; agreement: number; answers: { valid: boolean; output: Extraction }[] }[];
}

interface Execution {
  controller: AbortController;
  cancelled: boolean;
  finished: Promise<void>;
}

export class ConsistencyService {
  private readonly executions = new Map<string, Execution>();
  private readonly analyses = new Map<string, Analysis>();
  private closed = false;

  constructor(private readonly ctx: BackendContext) {
    // Repeats left queued or running by a restart are not resumed (see the top of this file).
    try {
      for (const run of ctx.repos.runs.unfinished()) {
        if (run.kind === CONSISTENCY_KIND) ctx.repos.runs.finish(run.id, 'cancelled', 'interrupted: the app stopped during the repeat runs; start them again');
      }
    } catch {
      // a workspace that cannot be written now: the runs stay as they are
    }
  }

  start(args: ApiParsedArgs<'startConsistency'>): ConsistencyReport {
    if (this.closed) throw new ApiError({ code: 'unavailable', message: 'the backend is closing' });
    const { repos } = this.ctx;
    let messageIds: string[];
    if ('ids' in args.selection) {
      messageIds = [...new Set(args.selection.ids)];
      const missing = repos.messages.missing(messageIds);
      if (missing.length) throw new ApiError({ code: 'not_found', message: `no message with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}` });
    } else {
      messageIds = repos.messages.ids();
    }
    if (messageIds.length === 0) throw new ApiError({ code: 'conflict', message: 'there are no messages to repeat' });
    const { artifact, version } = artifactFor(this.ctx, args.version);
    const base = this.ctx.extraction.forArtifact(artifact, { ...(args.provider ? { provider: args.provider } : {}), ...(args.model ? { model: args.model } : {}) });
    const id = `consistency_${randomUUID()}`;
    const seed = artifact.settings.seed;
    const fields = artifact.schema.fields.map((f) => f.name);
    this.ctx.transaction(() => {
      for (let i = 1; i <= args.repeats; i++) {
        const selection: RepeatSelection = { consistency: id, repeat: i, repeats: args.repeats, varySeed: args.varySeed, seed: args.varySeed ? seed + i - 1 : seed, fields, asked: args.selection as JsonValue };
        repos.runs.create({
          id: `${id}.${i}`,
          kind: CONSISTENCY_KIND,
          rulebookId: artifact.id,
          rulebookVersion: version,
          rulebookHash: artifact.hash,
          provider: base.provider.name,
          model: base.provider.model,
          settings: { ...artifact.settings, provider: base.provider.name === 'embedded' ? 'embedded' : 'openai', model: base.provider.model, seed: selection.seed } as ModelSettings,
          selection: selection as unknown as JsonValue,
          messageIds,
        });
      }
    });
    const exec: Execution = { controller: new AbortController(), cancelled: false, finished: Promise.resolve() };
    this.executions.set(id, exec);
    exec.finished = this.execute(id, artifact, base, args.repeats, args.varySeed, exec).finally(() => this.executions.delete(id));
    return this.report(id, null, 100);
  }

  get(args: ApiParsedArgs<'getConsistency'>): ConsistencyReport {
    let offset = 0;
    if (args.cursor) {
      const m = CURSOR.exec(args.cursor);
      if (!m) throw new ApiError({ code: 'bad_request', message: 'getConsistency: cursor: not a cursor this report gave out', issues: [{ path: 'cursor', message: 'not a cursor this report gave out' }] });
      offset = Number(m[1]);
    }
    return this.report(args.id, offset, args.limit);
  }

  cancel(id: string): ConsistencyReport {
    const runs = this.runs(id);
    const exec = this.executions.get(id);
    if (exec) {
      exec.cancelled = true;
      exec.controller.abort(new Error('cancelled'));
    }
    this.ctx.transaction(() => {
      for (const run of runs) if (run.status === 'queued' || run.status === 'running') this.ctx.repos.runs.cancel(run.id);
    });
    this.emitProgress(id, true);
    return this.report(id, null, 100);
  }

  /** Resolves when the repeats have ended (for tests). */
  async settled(id: string): Promise<ConsistencyReport> {
    await this.executions.get(id)?.finished;
    return this.report(id, null, 500);
  }

  /** Stops every execution at once (the workspace is closing); the runs are left as they are. */
  close(): void {
    this.closed = true;
    for (const exec of this.executions.values()) exec.controller.abort(new Error('the backend is closing'));
  }

  // -------------------------------------------------------------------------------------------

  private runs(id: string): StoredRun[] {
    const first = this.ctx.repos.runs.get(`${id}.1`);
    if (!first || first.kind !== CONSISTENCY_KIND) throw new ApiError({ code: 'not_found', message: `no consistency run ${id}` });
    const repeats = (first.selection as unknown as RepeatSelection).repeats;
    const runs = [first];
    for (let i = 2; i <= repeats; i++) {
      const run = this.ctx.repos.runs.get(`${id}.${i}`);
      if (run) runs.push(run);
    }
    return runs;
  }

  private status(runs: readonly StoredRun[]): ConsistencyReport['status'] {
    if (runs.some((r) => r.status === 'failed')) return 'failed';
    if (runs.some((r) => r.status === 'cancelled')) return 'cancelled';
    if (runs.every((r) => r.status === 'done')) return 'done';
    if (runs.some((r) => r.status === 'running')) return 'running';
    return 'queued';
  }

  private async execute(id: string, artifact: RulebookArtifact, base: Extractor, repeats: number, varySeed: boolean, exec: Execution): Promise<void> {
    const { repos } = this.ctx;
    const signal = exec.controller.signal;
    const embedded = base.provider.name === 'embedded';
    const concurrency = embedded ? 1 : Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(hostNumber(this.ctx, RUN_SETTING.concurrency, DEFAULT_CONCURRENCY))));
    const slice = new TimeSlice(3);
    let lastEmit = 0;
    const tick = () => {
      if (performance.now() - lastEmit >= PROGRESS_MS) {
        lastEmit = performance.now();
        this.emitProgress(id);
      }
    };
    let failure: string | null = null;
    try {
      for (let i = 1; i <= repeats; i++) {
        const runId = `${id}.${i}`;
        if (signal.aborted || !repos.runs.start(runId)) break;
        const run = repos.runs.get(runId)!;
        const seed = (run.selection as unknown as RepeatSelection).seed;
        // The seed travels in the rulebook's settings (the prompt is the same); the provider is the
        // one the extraction service configured (host URL, key, rate limit); no cache: each repeat asks.
        const rulebook = varySeed ? { ...artifact, settings: { ...artifact.settings, seed } } : artifact;
        const extractor = createExtractor(rulebook, { provider: base.provider, cache: false });
        await extractor.prepare();
        const pending = repos.runs.pendingMessageIds(runId, { limit: 1_000_000 });
        let next = 0;
        const worker = async () => {
          while (!signal.aborted && next < pending.length) {
            await slice.yieldIfDue();
            // Another worker may have taken the last message meanwhile.
            if (signal.aborted || next >= pending.length) return;
            const messageId = pending[next++]!;
            const message = repos.messages.get(messageId);
            if (!message) continue;
            let result: ExtractionResult;
            try {
              result = await extractor.extract(toMessageInput(message), { signal, refresh: true });
            } catch (err) {
              if (signal.aborted) return;
              repos.runs.failItem(runId, messageId, describeError(err));
              tick();
              continue;
            }
            if (signal.aborted && this.closed) return;
            repos.runs.completeItem(runId, messageId, result, { rulebookHash: artifact.hash, schemaHash: schemaHashOf(artifact) });
            tick();
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, () => worker()));
        if (signal.aborted) break;
        repos.runs.finish(runId, 'done');
        this.emitRunProgress(runId);
      }
    } catch (err) {
      failure = `The repeat runs stopped: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (this.closed) return;
    try {
      if (failure !== null) {
        for (let i = 1; i <= repeats; i++) repos.runs.finish(`${id}.${i}`, 'failed', failure);
      } else if (!exec.cancelled && this.status(this.runs(id)) === 'done') {
        const flagged = this.sendToReview(id);
        if (flagged > 0) this.ctx.emit('messagesChanged', { reason: `consistency ${id}: ${flagged} unstable message${flagged === 1 ? '' : 's'} to review` });
      }
    } catch {
      // the workspace went away meanwhile
    }
    this.emitProgress(id, true);
  }

  /** The unstable messages whose status is a machine's go to the review queue (see the top of this file); how many. */
  private sendToReview(id: string): number {
    const analysis = this.analyse(id, this.runs(id));
    const repeats = this.runs(id).length;
    const { repos } = this.ctx;
    let flagged = 0;
    this.ctx.transaction(() => {
      for (const item of analysis.items) {
        if (item.unstableFields.length === 0) break;
        const message = repos.messages.get(item.messageId);
        if (!message || !(MACHINE_STATUSES as readonly string[]).includes(message.status)) continue;
        const record: StoredExtraction | null = repos.extractions.latestForMessage(message.id);
        const source = record && record.trace && !record.human ? record : null;
        const output = source ? source.output : item.answers[0]!.output;
        const { perField } = judgeAnswers(item.unstableFields, item.answers);
        let agreeing = 1;
        const reasons: StoredReason[] = item.unstableFields.map((field) => {
          const counts = perField.get(field)!;
          agreeing = Math.min(agreeing, (counts.get(valueKey(output[field])) ?? 0) / repeats);
          const values = [...counts.keys()].map((k) => show(JSON.parse(k) as JsonValue));
          return { kind: UNSTABLE_REASON, field, text: `unstable: ${field} differed across ${repeats} repeats (${values.join(', ')})` };
        });
        const priority = Math.max(source?.reviewPriority ?? 0, Math.round((1 - agreeing) * 1e6) / 1e6);
        const result: ExtractionResult = source
          ? { output: source.output, valid: source.valid, errors: source.errors, trace: source.trace! }
          : this.firstAnswer(id, message.id);
        repos.extractions.insert({
          messageId: message.id,
          runId: null,
          rulebookVersion: source ? source.rulebookVersion : null,
          rulebookHash: source ? source.rulebookHash : result.trace.rulebook.hash,
          ...(source?.schemaHash ? { schemaHash: source.schemaHash } : {}),
          result,
          reviewPriority: priority,
          reasons: [...reasons, ...(source?.reasons ?? []).filter((r) => r.kind !== UNSTABLE_REASON)],
        });
        repos.messages.setMachineStatus(message.id, 'needs_review');
        flagged++;
      }
    });
    return flagged;
  }

  private firstAnswer(id: string, messageId: string): ExtractionResult {
    const e = this.ctx.repos.extractions.newestForRun(`${id}.1`, messageId)!;
    return { output: e.output, valid: e.valid, errors: e.errors, trace: e.trace! };
  }

  /** Every repeat's newest answer per message, judged; kept while the runs' counts hold. */
  private analyse(id: string, runs: readonly StoredRun[]): Analysis {
    const signature = JSON.stringify(runs.map((r) => [r.done, r.errors, r.status]));
    const kept = this.analyses.get(id);
    if (kept?.signature === signature) return kept;
    const fields = (runs[0]!.selection as unknown as RepeatSelection).fields;
    const answers = new Map<string, ({ valid: boolean; output: Extraction; id: number } | undefined)[]>();
    runs.forEach((run, i) => {
      let after = '';
      for (;;) {
        const page = this.ctx.repos.extractions.forRun(run.id, { after, limit: 1000 });
        if (page.length === 0) break;
        for (const e of page) {
          const list = answers.get(e.messageId) ?? Array.from({ length: runs.length }, () => undefined);
          const prev = list[i];
          if (!prev || prev.id < e.id) list[i] = { valid: e.valid, output: e.output, id: e.id };
          answers.set(e.messageId, list);
        }
        after = page.at(-1)!.messageId;
        if (page.length < 1000) break;
      }
    });
    const items: Analysis['items'] = [];
    const unstableByField = new Map(fields.map((f) => [f, 0]));
    for (const [messageId, list] of answers) {
      if (list.some((a) => a === undefined)) continue; // every repeat must have answered
      const all = list.map((a) => ({ valid: a!.valid, output: a!.output }));
      const judged = judgeAnswers(fields, all);
      for (const f of judged.unstableFields) unstableByField.set(f, (unstableByField.get(f) ?? 0) + 1);
      items.push({ messageId, unstableFields: judged.unstableFields, agreement: judged.agreement, answers: all });
    }
    items.sort((a, b) => Number(b.unstableFields.length > 0) - Number(a.unstableFields.length > 0) || a.agreement - b.agreement || (a.messageId < b.messageId ? -1 : 1));
    const n = items.length;
    const analysis: Analysis = {
      signature,
      messages: n,
      fields: fields.map((field) => {
        const unstable = unstableByField.get(field) ?? 0;
        return { field, unstable, agreement: n ? Math.round(((n - unstable) / n) * 1e4) / 1e4 : 1 };
      }),
      items,
    };
    this.analyses.set(id, analysis);
    while (this.analyses.size > 8) this.analyses.delete(this.analyses.keys().next().value!);
    return analysis;
  }

  private report(id: string, offset: number | null, limit: number): ConsistencyReport {
    const runs = this.runs(id);
    const sel = runs[0]!.selection as unknown as RepeatSelection;
    const analysis = this.analyse(id, runs);
    const from = offset ?? 0;
    const page = analysis.items.slice(from, from + limit);
    const items: ConsistencyItem[] = page.map((item) => {
      const message = this.ctx.repos.messages.get(item.messageId);
      return { messageId: item.messageId, subject: message?.subject ?? null, excerpt: excerptOf(message?.text ?? ''), unstableFields: item.unstableFields, agreement: item.agreement, answers: item.answers };
    });
    return {
      id,
      status: this.status(runs),
      repeats: sel.repeats,
      varySeed: sel.varySeed,
      runs: runs.map(runRecord),
      messages: analysis.messages,
      unstable: analysis.items.filter((i) => i.unstableFields.length > 0).length,
      fields: analysis.fields,
      items,
      nextCursor: from + limit < analysis.items.length ? `o:${from + limit}` : null,
    };
  }

  private emitRunProgress(runId: string): void {
    const run = this.ctx.repos.runs.get(runId);
    if (!run || this.closed) return;
    this.ctx.emit('runProgress', { runId, done: run.done, failed: run.errors, total: run.total, ratePerSecond: 0, etaSeconds: null, status: run.status });
  }

  private emitProgress(id: string, force = false): void {
    if (this.closed) return;
    try {
      const runs = this.runs(id);
      const running = runs.find((r) => r.status === 'running');
      if (running || force) this.emitRunProgress((running ?? runs.at(-1)!).id);
      this.ctx.emit('driftChanged', {
        kind: 'consistency',
        id,
        done: runs.reduce((n, r) => n + r.done + r.errors, 0),
        total: runs.reduce((n, r) => n + r.total, 0),
        status: this.status(runs),
      });
    } catch {
      // the workspace went away
    }
  }
}
