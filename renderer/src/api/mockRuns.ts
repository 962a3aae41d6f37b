// The mock's runs: extraction over a selection on timers, with progress events, cancel, resume and
// per-message errors. "Extraction" here takes the model's last answer (the output before rules) and
// applies the draft rulebook's enabled value aliases and overrides, so a saved rule shows after a re-run.
import type { AliasRewrite, ApiParsedArgs, ApiResults, Extraction, ExtractionRecord, FieldSpec, JsonValue, MessageRecord, RunRecord, Trace } from './contract';
import { ApiCallError } from './errors';
import { messageRuleText, validateOutput, type MockContext, type MockRun } from './mockState';
import { emptyTrace } from './mockTeach';
import { applyOverrides } from '../../../shared/src/rules/overrides.js';

type RunMethod = 'startRun' | 'cancelRun' | 'resumeRun' | 'retryRunErrors' | 'getRun' | 'listRuns' | 'listRunErrors';
export type RunHandlers = { [M in RunMethod]: (args: ApiParsedArgs<M>) => ApiResults[M] };

/** Which message ids a filter selects (the inbox's own filtering). */
export type SelectByFilter = (filter: Extract<ApiParsedArgs<'startRun'>['selection'], { filter: unknown }>['filter']) => string[];

export function createRunHandlers(ctx: MockContext, selectByFilter: SelectByFilter): RunHandlers {
  const { data } = ctx;

  function find(runId: string): MockRun {
    const run = ctx.runs.find((r) => r.record.id === runId);
    if (!run) throw new ApiCallError({ code: 'not_found', message: `no run "${runId}"` });
    return run;
  }

  function progress(run: MockRun) {
    const r = run.record;
    const started = r.startedAt ? Date.parse(r.startedAt) : Date.now();
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const rate = (r.done + r.failed) / seconds;
    const left = r.total - r.done - r.failed;
    ctx.emit('runProgress', { runId: r.id, done: r.done, failed: r.failed, total: r.total, ratePerSecond: rate, etaSeconds: rate > 0 ? left / rate : null, status: r.status });
  }

  function schedule(run: MockRun) {
    if (run.timer) return;
    run.timer = setTimeout(() => {
      run.timer = null;
      step(run);
    }, ctx.runStepMs);
  }

  function step(run: MockRun) {
    const r = run.record;
    if (r.status !== 'running') return;
    const id = run.queue.shift();
    if (id === undefined) {
      r.status = 'done';
      r.finishedAt = ctx.now();
      progress(run);
      ctx.emit('messagesChanged', { reason: 'run' });
      return;
    }
    const m = data.messages.find((x) => x.id === id);
    if (!m) {
      r.failed += 1;
      run.errors.push({ messageId: id, error: 'The message is no longer in the workspace.' });
    } else if (ctx.failing.has(id)) {
      r.failed += 1;
      run.errors.push({ messageId: id, error: 'The provider answered 500 Internal Server Error.' });
    } else {
      // A correction stands: a re-run does not overwrite what a person said is right.
      const extraction = m.status === 'corrected' ? null : extract(ctx, m, r.id);
      if (extraction) data.extractions.set(m.id, extraction);
      if (m.status === 'new' || m.status === 'extracted' || m.status === 'needs_review') m.status = extraction?.valid === false ? 'needs_review' : 'extracted';
      r.done += 1;
    }
    progress(run);
    schedule(run);
  }

  function start(run: MockRun) {
    run.record.status = 'running';
    run.record.startedAt ??= ctx.now();
    run.record.finishedAt = null;
    schedule(run);
    return structuredClone(run.record);
  }

  return {
    startRun: ({ selection }) => {
      let ids: string[];
      if ('ids' in selection) {
        const known = new Set(data.messages.map((m) => m.id));
        const missing = selection.ids.find((id) => !known.has(id));
        if (missing) throw new ApiCallError({ code: 'not_found', message: `no message "${missing}"` });
        ids = [...new Set(selection.ids)];
      } else if ('filter' in selection) ids = selectByFilter(selection.filter);
      else ids = data.messages.map((m) => m.id);
      const record: RunRecord = { id: ctx.nextId('run'), kind: 'extract', status: 'queued', total: ids.length, done: 0, failed: 0, createdAt: ctx.now(), startedAt: null, finishedAt: null, error: null };
      const run: MockRun = { record, queue: ids, errors: [], timer: null };
      ctx.runs.push(run);
      return start(run);
    },
    cancelRun: ({ runId }) => {
      const run = find(runId);
      if (run.record.status === 'running' || run.record.status === 'queued') {
        run.record.status = 'cancelled';
        run.record.finishedAt = ctx.now();
        if (run.timer) clearTimeout(run.timer);
        run.timer = null;
        progress(run);
      }
      return structuredClone(run.record);
    },
    resumeRun: ({ runId }) => {
      const run = find(runId);
      if (run.record.status === 'running') throw new ApiCallError({ code: 'conflict', message: 'The run is already running.' });
      if (run.record.status === 'done' && run.queue.length === 0) throw new ApiCallError({ code: 'conflict', message: 'The run has finished.' });
      return start(run);
    },
    retryRunErrors: ({ runId }) => {
      const run = find(runId);
      if (run.errors.length === 0) return structuredClone(run.record);
      run.queue.push(...run.errors.map((e) => e.messageId));
      run.record.failed -= run.errors.length;
      run.errors = [];
      return start(run);
    },
    getRun: ({ runId }) => structuredClone(find(runId).record),
    listRuns: ({ limit }) =>
      ctx.runs
        .slice()
        .reverse()
        .slice(0, limit)
        .map((r) => structuredClone(r.record)),
    listRunErrors: ({ runId, limit }) => structuredClone(find(runId).errors.slice(0, limit)),
  };
}

/** The output before the rules of the last run: overrides and alias rules undone. */
function modelAnswer(previous: ExtractionRecord | undefined, fields: FieldSpec[]): Extraction {
  if (!previous) return Object.fromEntries(fields.map((f) => [f.name, guess(f)]));
  const out: Extraction = { ...previous.output };
  for (const firing of [...previous.trace.rulesFired].reverse()) {
    for (const c of firing.changed) {
      if (c.from === undefined) delete out[c.field];
      else out[c.field] = c.from;
    }
  }
  for (const a of previous.trace.aliases) if (a.target === 'value' && a.ruleId && out[a.field] === a.to) out[a.field] = a.from;
  return out;
}

function guess(f: FieldSpec): JsonValue {
  if (f.nullable) return null;
  switch (f.type) {
    case 'enum':
      return f.values?.find((v) => v.value === 'other')?.value ?? f.values?.[0]?.value ?? '';
    case 'boolean':
      return false;
    case 'number':
      return 0;
    case 'string_list':
      return [];
    default:
      return '';
  }
}

export function extract(ctx: MockContext, m: MessageRecord, runId: string | null): ExtractionRecord {
  const { rulebook } = ctx.data;
  const previous = ctx.data.extractions.get(m.id);
  const rules = rulebook.rules.filter((r) => r.enabled);
  let output = modelAnswer(previous, rulebook.schema.fields);
  const aliases: AliasRewrite[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'alias' || rule.target !== 'value') continue;
    const v = output[rule.field];
    if (typeof v === 'string' && v.trim().toLowerCase() === rule.from.trim().toLowerCase()) {
      output = { ...output, [rule.field]: rule.to };
      aliases.push({ target: 'value', field: rule.field, from: v, to: rule.to, ruleId: rule.id });
    }
  }
  const applied = applyOverrides(rules, messageRuleText(m), output);
  const errors = validateOutput(applied.output, rulebook.schema);
  const base: Trace = previous?.trace ?? emptyTrace(ctx);
  const trace: Trace = {
    ...base,
    rulebook: { id: rulebook.id, version: rulebook.version, hash: 'sha256:draft' },
    guidance: rules.filter((r) => r.kind === 'guidance').map((r) => r.id),
    rulesFired: applied.firings,
    aliases,
    cacheHit: previous !== undefined,
    latencyMs: previous ? 1 : 40,
    attempts: 1,
  };
  return {
    id: ctx.nextId('ext'),
    messageId: m.id,
    runId,
    rulebookVersion: rulebook.version,
    output: applied.output,
    valid: errors.length === 0,
    errors,
    trace,
    createdAt: ctx.now(),
  };
}
