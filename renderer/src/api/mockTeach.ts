// The mock's review-and-teach methods: accept, correct (a precedent is stored), rules with an impact
// preview, precedents. In memory, with the semantics the contract's records describe.
import type { ApiParsedArgs, ApiResults, Extraction, MessageDetail, MessageRecord, PrecedentRecord, Rule, RuleImpact, RuleMessages, RuleRecord } from './contract';
import { ApiCallError } from './errors';
import { jsonEqual, messageRuleText, validateOutput, type MockContext } from './mockState';
import { applyOverrides } from '../../../shared/src/rules/overrides.js';

type TeachMethod =
  | 'acceptExtraction'
  | 'correctExtraction'
  | 'previewRule'
  | 'saveRule'
  | 'setRuleEnabled'
  | 'deleteRule'
  | 'restoreRule'
  | 'listRules'
  | 'listRuleMessages'
  | 'listPrecedents'
  | 'updatePrecedent'
  | 'deletePrecedent'
  | 'restorePrecedent';

export type TeachHandlers = { [M in TeachMethod]: (args: ApiParsedArgs<M>) => ApiResults[M] };

/** The output after one rule, on top of an output (what previewRule compares). */
export function applyRule(rule: Rule, message: Pick<MessageRecord, 'text' | 'subject'>, output: Extraction): Extraction {
  if (!rule.enabled) return output;
  if (rule.kind === 'override') return applyOverrides([rule], messageRuleText(message), output).output;
  if (rule.kind === 'alias' && rule.target === 'value') {
    const v = output[rule.field];
    if (typeof v === 'string' && v.trim().toLowerCase() === rule.from.trim().toLowerCase() && v !== rule.to) return { ...output, [rule.field]: rule.to };
  }
  // A guidance rule's effect depends on the model, a key alias on its raw answer: neither shows here.
  return output;
}

export function createTeachHandlers(ctx: MockContext): TeachHandlers {
  const { data } = ctx;

  function message(id: string): MessageRecord {
    const m = data.messages.find((x) => x.id === id);
    if (!m) throw new ApiCallError({ code: 'not_found', message: `no message "${id}"` });
    return m;
  }
  function detail(m: MessageRecord): MessageDetail {
    return { message: structuredClone(m), extraction: structuredClone(data.extractions.get(m.id) ?? null) };
  }
  function ruleRecord(id: string): RuleRecord {
    const r = ctx.rules.find((x) => x.rule.id === id);
    if (!r) throw new ApiCallError({ code: 'not_found', message: `no rule "${id}"` });
    return r;
  }
  function precedent(id: string): PrecedentRecord {
    const p = ctx.precedents.find((x) => x.id === id);
    if (!p) throw new ApiCallError({ code: 'not_found', message: `no precedent "${id}"` });
    return p;
  }
  function checkRuleFields(rule: Rule) {
    const known = new Set(data.rulebook.schema.fields.map((f) => f.name));
    const fields = rule.kind === 'guidance' ? rule.fields : rule.kind === 'override' ? Object.keys(rule.set) : [rule.field];
    const issues = fields.filter((f) => !known.has(f)).map((f) => ({ path: 'rule.fields', message: `"${f}" is not a field of the schema` }));
    if (rule.kind === 'override') {
      const bad = validateOutput(rule.set, { fields: data.rulebook.schema.fields.filter((f) => f.name in rule.set) });
      issues.push(...bad.map((e) => ({ path: `rule.set.${e.path.slice(1)}`, message: e.message })));
    }
    if (issues.length) throw new ApiCallError({ code: 'bad_request', message: `saveRule: ${issues.map((i) => i.message).join('; ')}`, issues });
  }

  return {
    acceptExtraction: ({ messageId }) => {
      const m = message(messageId);
      if (!data.extractions.has(m.id)) throw new ApiCallError({ code: 'conflict', message: 'This message has no extraction to accept yet.' });
      m.status = 'accepted';
      return detail(m);
    },
    correctExtraction: ({ messageId, output, rationale }) => {
      const m = message(messageId);
      const errors = validateOutput(output, data.rulebook.schema);
      if (errors.length) {
        const issues = errors.map((e) => ({ path: `output.${e.path.slice(1)}`, message: e.message }));
        throw new ApiCallError({ code: 'bad_request', message: `correctExtraction: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues });
      }
      const now = ctx.now();
      const record: PrecedentRecord = {
        id: ctx.nextId('p'),
        message: { text: m.text, ...(m.subject ? { subject: m.subject } : {}), ...(m.sender ? { sender: m.sender } : {}) },
        output: structuredClone(output),
        ...(rationale ? { rationale } : {}),
        author: ctx.author,
        createdAt: now,
        messageId: m.id,
        deletedAt: null,
      };
      ctx.precedents.push(record);
      ctx.sync();
      const previous = data.extractions.get(m.id);
      data.extractions.set(m.id, {
        id: ctx.nextId('ext'),
        messageId: m.id,
        runId: null,
        rulebookVersion: data.rulebook.version,
        output: structuredClone(output),
        valid: true,
        errors: [],
        trace: previous?.trace ?? emptyTrace(ctx),
        createdAt: now,
      });
      m.status = 'corrected';
      return { detail: detail(m), precedent: structuredClone(record) };
    },
    previewRule: ({ rule, limit }) => {
      const impact: RuleImpact = { checked: 0, changed: [], truncated: false };
      for (const m of data.messages) {
        const extraction = data.extractions.get(m.id);
        if (!extraction) continue;
        impact.checked += 1;
        const after = applyRule({ ...rule, enabled: true }, m, extraction.output);
        const fields = Object.keys(after)
          .filter((f) => !jsonEqual(extraction.output[f], after[f]))
          .map((field) => ({ field, from: extraction.output[field] ?? null, to: after[field] ?? null }));
        if (fields.length === 0) continue;
        if (impact.changed.length >= limit) {
          impact.truncated = true;
          continue;
        }
        impact.changed.push({ messageId: m.id, subject: m.subject ?? null, preview: m.text.replace(/\s+/g, ' ').trim().slice(0, 160), fields });
      }
      return impact;
    },
    saveRule: ({ rule }) => {
      checkRuleFields(rule);
      const now = ctx.now();
      const existing = ctx.rules.find((r) => r.rule.id === rule.id);
      if (existing) {
        if (existing.deletedAt) throw new ApiCallError({ code: 'conflict', message: `rule "${rule.id}" is deleted; restore it first` });
        existing.rule = structuredClone(rule);
        existing.updatedAt = now;
      } else {
        ctx.rules.push({ rule: structuredClone(rule), position: Math.max(-1, ...ctx.rules.map((r) => r.position)) + 1, createdAt: now, updatedAt: now, deletedAt: null });
      }
      ctx.sync();
      return structuredClone(ruleRecord(rule.id));
    },
    setRuleEnabled: ({ id, enabled }) => {
      const r = ruleRecord(id);
      if (r.deletedAt) throw new ApiCallError({ code: 'conflict', message: `rule "${id}" is deleted` });
      r.rule = { ...r.rule, enabled };
      r.updatedAt = ctx.now();
      ctx.sync();
      return structuredClone(r);
    },
    deleteRule: ({ id }) => {
      const r = ruleRecord(id);
      r.deletedAt ??= ctx.now();
      ctx.sync();
      return { id };
    },
    restoreRule: ({ id }) => {
      const r = ruleRecord(id);
      r.deletedAt = null;
      r.updatedAt = ctx.now();
      ctx.sync();
      return structuredClone(r);
    },
    listRules: ({ includeDeleted }) =>
      structuredClone(ctx.rules.filter((r) => includeDeleted || r.deletedAt === null).sort((a, b) => a.position - b.position)),
    listRuleMessages: ({ id, limit }) => {
      ruleRecord(id);
      const fired: RuleMessages['messages'] = [];
      const newestFirst = [...data.messages].sort((a, b) => (b.receivedAt ?? '').localeCompare(a.receivedAt ?? '') || b.id.localeCompare(a.id));
      for (const m of newestFirst) {
        const firings = data.extractions.get(m.id)?.trace.rulesFired.filter((f) => f.ruleId === id) ?? [];
        if (firings.length === 0) continue;
        fired.push({ messageId: m.id, subject: m.subject ?? null, preview: m.text.replace(/\s+/g, ' ').trim().slice(0, 160), changed: structuredClone(firings.flatMap((f) => f.changed)) });
      }
      return { messages: fired.slice(0, limit), total: fired.length };
    },
    listPrecedents: ({ search, includeDeleted }) => {
      const words = (search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      return structuredClone(
        ctx.precedents
          .filter((p) => includeDeleted || p.deletedAt === null)
          .filter((p) => {
            if (!words.length) return true;
            const hay = [p.id, p.message.subject, p.message.text, p.rationale, ...(p.tags ?? []), JSON.stringify(p.output)].join('\n').toLowerCase();
            return words.every((w) => hay.includes(w));
          })
          .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
      );
    },
    updatePrecedent: ({ id, output, rationale, tags }) => {
      const p = precedent(id);
      if (p.deletedAt) throw new ApiCallError({ code: 'conflict', message: `precedent "${id}" is deleted` });
      if (output) {
        const errors = validateOutput(output, data.rulebook.schema);
        if (errors.length) {
          const issues = errors.map((e) => ({ path: `output.${e.path.slice(1)}`, message: e.message }));
          throw new ApiCallError({ code: 'bad_request', message: `updatePrecedent: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues });
        }
        p.output = structuredClone(output);
      }
      if (rationale !== undefined) p.rationale = rationale;
      if (tags !== undefined) p.tags = [...tags];
      ctx.sync();
      return structuredClone(p);
    },
    deletePrecedent: ({ id }) => {
      const p = precedent(id);
      p.deletedAt ??= ctx.now();
      ctx.sync();
      return { id };
    },
    restorePrecedent: ({ id }) => {
      const p = precedent(id);
      p.deletedAt = null;
      ctx.sync();
      return structuredClone(p);
    },
  };
}

export function emptyTrace(ctx: MockContext) {
  const rb = ctx.data.rulebook;
  return {
    runtimeVersion: ctx.data.appInfo.runtimeVersion,
    rulebook: { id: rb.id, version: rb.version, hash: 'sha256:draft' },
    provider: { name: rb.settings.provider, model: rb.settings.model, params: { temperature: rb.settings.temperature, seed: rb.settings.seed, k: rb.settings.k } },
    promptHash: '',
    cacheKey: '',
    precedents: [],
    guidance: [],
    rulesFired: [],
    aliases: [],
    rawOutput: null,
    cacheHit: false,
    latencyMs: 0,
    usage: null,
    attempts: 0,
  };
}
