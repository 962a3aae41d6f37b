// Replay with attribution (issue 12): imported production traces re-extracted under a rulebook (the
// draft or a published version), provider and model, through the same pipeline and the workspace's
// response cache; each answer compared with what production returned, field by field, and each
// difference put down to one cause:
//
// - `rulebook`: the replayed rulebook is not the one production ran (another hash) AND that shows in
//   this message: other rules fired, or other precedents were shown (the trace's precedent ids; for
//   a trace without them, its version differs);
// - `traffic`: otherwise, when no precedent is close: the best retrieval score of the replay is
//   below half the rulebook's typical best score (review-priority.ts's CLOSE_FRACTION; the typical
//   score is typicalTopScore over the rulebook's own precedents, each retrieved leaving itself out);
// - `model`: otherwise: the same rulebook, prompt or examples gave another answer.
//
// A replay under way lives in memory; when it ends (done, cancelled or failed) it is written to the
// workspace whole (migration 014, ReplayRepository) and read back from there after a restart: the
// newest KEEP_STORED are kept. One the app stopped in the middle of is not kept; its answers are in
// the workspace's response cache, so starting it again costs little but the comparison.
import { randomUUID } from 'node:crypto';
import { ApiError, type ApiParsedArgs, type Attribution, type ReplayItem, type ReplayReport } from '../../../shared/src/api/index.js';
import type { Extraction, ExtractionResult, JsonValue, MessageInput, RulebookArtifact } from '../../../shared/src/domain.js';
import type { Extractor } from '../../../shared/src/pipeline/extractor.js';
import { canonicalJson } from '../../../shared/src/rulebook/canonical.js';
import { messageIdFromHash, type StoredTrace } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { hostNumber } from '../runs/handlers.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, RUN_SETTING } from '../runs/service.js';
import { typicalTopScore } from '../teach/review-priority.js';
import { TimeSlice } from '../time-slice.js';
import { artifactFor, excerptOf } from './consistency.js';

/** Below this share of the typical best retrieval score no precedent is close (review-priority.ts's CLOSE_FRACTION). */
export const CLOSE_FRACTION = 0.5;
/** Replays kept in memory, newest last (the workspace keeps those that ended). */
const KEEP_REPLAYS = 8;
/** Replays that ended kept in the workspace. */
export const KEEP_STORED = 50;
/** Replays listed, newest first. */
const LISTED = 8;
/** Precedents sampled for the rulebook's typical best score. */
const TYPICAL_SAMPLE = 300;
const PROGRESS_MS = 100;
const CURSOR = /^o:(\d{1,9})$/;
const PAGE = 5000;

/** What a stored trace says of how production extracted: a full Trace or a trace log line (TraceLine). */
interface ProductionSide {
  fired: string[] | null;
  shown: { id: string; score: number }[] | null;
  promptHash: string | null;
}

function productionSide(trace: unknown): ProductionSide {
  if (!trace || typeof trace !== 'object') return { fired: null, shown: null, promptHash: null };
  const t = trace as { rulesFired?: unknown; aliases?: unknown; precedents?: unknown; promptHash?: unknown };
  let fired: string[] | null = null;
  if (Array.isArray(t.rulesFired)) {
    fired = [];
    for (const f of t.rulesFired) {
      const id = typeof f === 'string' ? f : f && typeof f === 'object' ? (f as { ruleId?: unknown }).ruleId : null;
      if (typeof id === 'string' && !fired.includes(id)) fired.push(id);
    }
    if (Array.isArray(t.aliases)) for (const a of t.aliases as { ruleId?: unknown }[]) if (typeof a?.ruleId === 'string' && !fired.includes(a.ruleId)) fired.push(a.ruleId);
  }
  const shown = Array.isArray(t.precedents)
    ? (t.precedents as { id?: unknown; score?: unknown }[]).filter((p) => typeof p?.id === 'string').map((p) => ({ id: p.id as string, score: typeof p.score === 'number' ? p.score : 0 }))
    : null;
  return { fired, shown, promptHash: typeof t.promptHash === 'string' ? t.promptHash : null };
}

const valueKey = (v: JsonValue | undefined): string => canonicalJson(v ?? null);
const round = (x: number) => Math.round(x * 100) / 100;

/** Fields whose values differ: the schema's, in its order, then other keys either side has (sorted). */
export function changedFields(schemaFields: readonly string[], production: Extraction, replay: Extraction): string[] {
  const changed = schemaFields.filter((f) => valueKey(production[f]) !== valueKey(replay[f]));
  const known = new Set(schemaFields);
  const others = [...new Set([...Object.keys(production), ...Object.keys(replay)])].filter((k) => !known.has(k)).sort();
  return [...changed, ...others.filter((k) => valueKey(production[k]) !== valueKey(replay[k]))];
}

export interface AttributionInput {
  trace: Pick<StoredTrace, 'rulebookHash' | 'rulebookVersion' | 'model' | 'trace'>;
  result: ExtractionResult;
  rulebook: { hash: string; version: number | null; k: number };
  model: string;
  typicalTop: number | null;
}

/** Why a replayed answer differs from production's: the cause and a short sentence. */
export function attribute(input: AttributionInput): { attribution: Attribution; why: string } {
  const { trace, result, rulebook } = input;
  const prod = productionSide(trace.trace);
  const rulebookDiffers = trace.rulebookHash ? trace.rulebookHash !== rulebook.hash : trace.rulebookVersion !== rulebook.version;
  const here = productionSide(result.trace);
  const versionWords = (v: number | null) => (v === null ? 'the draft' : `version ${v}`);
  if (rulebookDiffers) {
    const reasons: string[] = [];
    if (prod.fired && here.fired) {
      const onlyHere = here.fired.filter((id) => !prod.fired!.includes(id));
      const onlyThere = prod.fired.filter((id) => !here.fired!.includes(id));
      if (onlyHere.length) reasons.push(`rule ${onlyHere.join(', ')} fired here, not in production`);
      if (onlyThere.length) reasons.push(`rule ${onlyThere.join(', ')} fired in production, not here`);
    }
    if (prod.shown) {
      const a = new Set(prod.shown.slice(0, rulebook.k).map((p) => p.id));
      const b = new Set((here.shown ?? []).slice(0, rulebook.k).map((p) => p.id));
      const added = [...b].filter((id) => !a.has(id));
      const removed = [...a].filter((id) => !b.has(id));
      if (added.length || removed.length) {
        reasons.push(`other precedents shown (${[...added.slice(0, 3).map((id) => `+${id}`), ...removed.slice(0, 3).map((id) => `−${id}`)].join(', ')}${added.length + removed.length > 6 ? ', …' : ''})`);
      }
    } else if (trace.rulebookVersion !== rulebook.version) {
      reasons.push(`production ran ${trace.rulebookVersion === null ? 'an unknown version' : versionWords(trace.rulebookVersion)}, this replay ${versionWords(rulebook.version)}`);
    }
    if (reasons.length) return { attribution: 'rulebook', why: reasons.join('; ') };
  }
  const scores = (here.shown ?? []).map((p) => p.score);
  const top = scores.length ? Math.max(...scores) : null;
  if (top === null) return { attribution: 'traffic', why: 'no precedent retrieved: a kind of message the rulebook has no example of' };
  if (input.typicalTop && input.typicalTop > 0 && top < CLOSE_FRACTION * input.typicalTop) {
    return { attribution: 'traffic', why: `no precedent closer than ${round(top)} (typically ${round(input.typicalTop)}): a new kind of message` };
  }
  const models = trace.model && trace.model !== input.model ? ` (production: ${trace.model}, here: ${input.model})` : '';
  if (prod.promptHash && prod.promptHash === here.promptHash) return { attribution: 'model', why: `same prompt, another answer${models}` };
  return { attribution: 'model', why: `${rulebookDiffers ? 'same rules fired and examples shown' : 'same rulebook'}, another answer${models}` };
}

/** The rulebook's typical best retrieval score: over its precedents, each retrieved without itself. */
export function rulebookTypicalTop(extractor: Extractor, rulebook: RulebookArtifact): number | null {
  const all = rulebook.precedents;
  const step = Math.max(1, Math.floor(all.length / TYPICAL_SAMPLE));
  const traces: { precedents: { id: string; score: number }[] }[] = [];
  for (let i = 0; i < all.length; i += step) {
    const p = all[i]!;
    const hits = extractor.retrieve(p.message, Math.max(1, rulebook.settings.k), new Set([p.id]));
    traces.push({ precedents: hits.map((h) => ({ id: h.precedent.id, score: h.score })) });
  }
  return typicalTopScore(traces);
}

interface StoredItem extends ReplayItem {
  order: number;
}

interface ReplayState {
  startedAt: string;
  report: Omit<ReplayReport, 'items' | 'nextCursor'>;
  items: StoredItem[];
  controller: AbortController;
  finished: Promise<void>;
}

export class ReplayService {
  private readonly replays = new Map<string, ReplayState>();
  private closed = false;

  private lastStart = 0;

  constructor(private readonly ctx: BackendContext) {}

  /** Now, and always later than the last replay's start, so replays list in the order they started. */
  private startTime(): string {
    this.lastStart = Math.max(Date.now(), this.lastStart + 1);
    return new Date(this.lastStart).toISOString();
  }

  start(args: ApiParsedArgs<'startReplay'>): ReplayReport {
    if (this.closed) throw new ApiError({ code: 'unavailable', message: 'the backend is closing' });
    const { artifact, version } = artifactFor(this.ctx, args.version);
    const extractor = this.ctx.extraction.forArtifact(artifact, { ...(args.provider ? { provider: args.provider } : {}), ...(args.model ? { model: args.model } : {}) });
    const { traces, skipped } = this.select(args);
    if (traces.length === 0 && skipped === 0) throw new ApiError({ code: 'conflict', message: 'no production traces match: import traces first, or widen the window' });
    const state: ReplayState = {
      startedAt: this.startTime(),
      report: {
        id: `replay_${randomUUID()}`,
        status: 'running',
        rulebook: { version, hash: artifact.hash },
        provider: extractor.provider.name,
        model: extractor.provider.model,
        total: traces.length,
        done: 0,
        skipped,
        same: 0,
        differ: 0,
        attribution: { rulebook: 0, model: 0, traffic: 0 },
        error: null,
      },
      items: [],
      controller: new AbortController(),
      finished: Promise.resolve(),
    };
    this.replays.set(state.report.id, state);
    while (this.replays.size > KEEP_REPLAYS) {
      const oldest = [...this.replays.values()].find((r) => r.report.status !== 'running');
      if (!oldest) break;
      this.replays.delete(oldest.report.id);
    }
    state.finished = this.execute(state, extractor, artifact, traces);
    return this.report(state, undefined, 0, 100);
  }

  get(args: ApiParsedArgs<'getReplay'>): ReplayReport {
    let offset = 0;
    if (args.cursor) {
      const m = CURSOR.exec(args.cursor);
      if (!m) throw new ApiError({ code: 'bad_request', message: 'getReplay: cursor: not a cursor this replay gave out', issues: [{ path: 'cursor', message: 'not a cursor this replay gave out' }] });
      offset = Number(m[1]);
    }
    const state = this.replays.get(args.id);
    return state ? this.report(state, args.attribution, offset, args.limit) : this.storedReport(args.id, args.attribution, offset, args.limit);
  }

  cancel(id: string): ReplayReport {
    const state = this.replays.get(id);
    if (!state) return this.storedReport(id, undefined, 0, 100);
    if (state.report.status === 'running') state.controller.abort(new Error('cancelled'));
    return this.report(state, undefined, 0, 100);
  }

  /** Newest first (those in memory, then those the workspace kept); each with its first page of items. */
  list(): ReplayReport[] {
    const listed = [...this.replays.values()].map((s) => ({ startedAt: s.startedAt, id: s.report.id, report: () => this.report(s, undefined, 0, 100) }));
    for (const stored of this.ctx.repos.replays.list(LISTED)) {
      if (this.replays.has(stored.report.id)) continue;
      listed.push({ startedAt: stored.startedAt, id: stored.report.id, report: () => this.storedReport(stored.report.id, undefined, 0, 100) });
    }
    listed.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
    return listed.slice(0, LISTED).map((l) => l.report());
  }

  /** Resolves when the replay has ended (for tests). */
  async settled(id: string): Promise<ReplayReport> {
    const state = this.state(id);
    await state.finished;
    return this.report(state, undefined, 0, 500);
  }

  close(): void {
    this.closed = true;
    for (const s of this.replays.values()) s.controller.abort(new Error('the backend is closing'));
  }

  // -------------------------------------------------------------------------------------------

  private state(id: string): ReplayState {
    const state = this.replays.get(id);
    if (!state) throw new ApiError({ code: 'not_found', message: `no replay ${id} under way` });
    return state;
  }

  /** A replay the workspace kept (it ended), with a page of its items. */
  private storedReport(id: string, attribution: Attribution | undefined, offset: number, limit: number): ReplayReport {
    const stored = this.ctx.repos.replays.get(id);
    if (!stored) throw new ApiError({ code: 'not_found', message: `no replay ${id} (the workspace keeps the newest ${KEEP_STORED} that ended)` });
    const { items, matching } = this.ctx.repos.replays.items(id, attribution, offset, limit);
    return { ...stored.report, items, nextCursor: offset + limit < matching ? `o:${offset + limit}` : null };
  }

  /** Writes an ended replay to the workspace (a workspace already closed keeps nothing: the app is stopping). */
  private keep(state: ReplayState): void {
    if (this.closed) return;
    try {
      this.ctx.repos.replays.save(state.report, state.startedAt, state.items.map(({ order: _order, ...item }) => item), KEEP_STORED);
    } catch (err) {
      if (/database connection is not open/i.test((err as Error).message)) return;
      state.report.error ??= `the replay ended, but could not be kept in the workspace: ${(err as Error).message}`;
    }
  }

  /** The traces asked for, oldest first: in the window, of the source, among the seqs; those without text are skipped. */
  private select(args: ApiParsedArgs<'startReplay'>): { traces: StoredTrace[]; skipped: number } {
    const seqs = args.seqs ? new Set(args.seqs) : null;
    const traces: StoredTrace[] = [];
    let skipped = 0;
    let after: { receivedAt: string; seq: number } | null = null;
    for (;;) {
      const page = this.ctx.repos.traces.list({ ...(args.from ? { from: args.from } : {}), ...(args.to ? { to: args.to } : {}), after, limit: PAGE });
      for (const t of page) {
        if (seqs && !seqs.has(t.seq)) continue;
        if (args.source !== undefined && t.source !== args.source) continue;
        if (typeof t.message?.text !== 'string' || t.message.text.trim() === '') skipped++;
        else traces.push(t.trace ? t : { ...t, trace: this.lineDetail(t.seq) });
        if (traces.length >= args.limit) return { traces, skipped };
      }
      if (page.length < PAGE) return { traces, skipped };
      after = { receivedAt: page.at(-1)!.receivedAt, seq: page.at(-1)!.seq };
    }
  }

  /**
   * What a trace log line said of its extraction (rules fired, precedents shown, prompt hash) when
   * the trace was imported without a full Trace: the trace store keeps it in its detail column.
   */
  private lineDetail(seq: number): StoredTrace['trace'] {
    const row = this.ctx.repos.traces.store.get(seq);
    if (!row) return null;
    return { rulesFired: row.rulesFired, precedents: row.precedents, promptHash: row.promptHash } as unknown as StoredTrace['trace'];
  }

  private async execute(state: ReplayState, extractor: Extractor, artifact: RulebookArtifact, traces: readonly StoredTrace[]): Promise<void> {
    const r = state.report;
    const signal = state.controller.signal;
    const embedded = extractor.provider.name === 'embedded';
    const concurrency = embedded ? 1 : Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(hostNumber(this.ctx, RUN_SETTING.concurrency, DEFAULT_CONCURRENCY))));
    const slice = new TimeSlice(3);
    const fields = artifact.schema.fields.map((f) => f.name);
    let lastEmit = 0;
    const emit = (force = false) => {
      if (this.closed || (!force && performance.now() - lastEmit < PROGRESS_MS)) return;
      lastEmit = performance.now();
      this.ctx.emit('driftChanged', { kind: 'replay', id: r.id, done: r.done, total: r.total, status: r.status });
    };
    try {
      emit(true);
      await extractor.prepare();
      const typicalTop = rulebookTypicalTop(extractor, artifact);
      let next = 0;
      const worker = async () => {
        while (!signal.aborted && next < traces.length) {
          await slice.yieldIfDue();
          // Another worker may have taken the last trace meanwhile.
          if (signal.aborted || next >= traces.length) return;
          const order = next++;
          const t = traces[order]!;
          const message: MessageInput = { ...t.message };
          delete message.id;
          let result: ExtractionResult;
          try {
            result = await extractor.extract(message, { signal });
          } catch (err) {
            if (signal.aborted) return;
            throw err;
          }
          r.done++;
          const changed = changedFields(fields, t.output, result.output);
          const validityChanged = t.valid !== null && t.valid !== result.valid;
          if (changed.length === 0 && !validityChanged) r.same++;
          else {
            r.differ++;
            const { attribution, why } = attribute({ trace: t, result, rulebook: { hash: artifact.hash, version: r.rulebook.version, k: artifact.settings.k }, model: r.model, typicalTop });
            r.attribution[attribution]++;
            const linked = t.messageHash ? messageIdFromHash(t.messageHash) : null;
            state.items.push({
              order,
              seq: t.seq,
              time: t.receivedAt,
              subject: t.message.subject ?? null,
              excerpt: excerptOf(t.message.text),
              changedFields: changed,
              production: { output: t.output, valid: t.valid ?? true, version: t.rulebookVersion, hash: t.rulebookHash, model: t.model },
              replay: { output: result.output, valid: result.valid },
              attribution,
              why,
              messageId: linked && this.ctx.repos.messages.get(linked) ? linked : null,
            });
          }
          emit();
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, traces.length)) }, () => worker()));
      r.status = signal.aborted ? 'cancelled' : 'done';
    } catch (err) {
      r.status = signal.aborted ? 'cancelled' : 'failed';
      if (!signal.aborted) {
        r.error = err instanceof Error ? err.message : String(err);
        state.controller.abort(err);
      }
    }
    state.items.sort((a, b) => a.order - b.order);
    this.keep(state);
    emit(true);
  }

  private report(state: ReplayState, attribution: Attribution | undefined, offset: number, limit: number): ReplayReport {
    const matching = attribution ? state.items.filter((i) => i.attribution === attribution) : state.items;
    // While it runs, items arrive out of order: a page is ordered as the traces are.
    const ordered = state.report.status === 'running' ? [...matching].sort((a, b) => a.order - b.order) : matching;
    const page = ordered.slice(offset, offset + limit).map(({ order: _order, ...item }) => item);
    return {
      ...state.report,
      rulebook: { ...state.report.rulebook },
      attribution: { ...state.report.attribution },
      items: page,
      nextCursor: offset + limit < ordered.length ? `o:${offset + limit}` : null,
    };
  }
}
