// The embedded provider: answers with no model at all, from the retrieved precedents (a
// score-weighted vote), optional per-label centroids over the whole precedent set, and light text
// heuristics (enum values named in the text, names in greetings and sign-offs, dates, numbers).
// Its answer is a pure function of the request (and, with the centroid variant, of the precedent
// set it was created with), so it is deterministic and reproducible.
import type { Extraction, FieldSpec, JsonValue, MessageInput, Precedent, Rule } from '../domain.js';
import { PrecedentIndex, foldForSearch, tokenize } from '../retrieval/index.js';
import { LabelCentroids, labelKey } from './embedded-labels.js';
import type { Provider, ProviderRequest, ProviderResponse, RetrievedPrecedent } from './types.js';

export const EMBEDDED_MODEL = 'embedded-v1';
/** How many precedents the embedded provider wants retrieved (the prompt may show fewer). */
export const EMBEDDED_RETRIEVAL_DEPTH = 25;

/** Vote weight of a precedent: (score / best score) ^ VOTE_POWER, so near-duplicates dominate. */
const VOTE_POWER = 4;
/** Share of the kNN vote in the combined label score (the rest is the centroid cosine). */
const VOTE_SHARE = 0.5;
/** Bonus for an enum value named in the text; smaller than a clear precedent vote. */
const MENTION_BONUS = 0.12;
/** Share of the vote that precedents' free-text values (strings, numbers, lists) need to be copied. */
const STRONG_AGREEMENT = 0.8;

export interface EmbeddedProviderOptions {
  /** The whole precedent set: enables per-label centroids, computed once per field on first use. */
  precedents: readonly Precedent[];
  /** The index over exactly `precedents`; built when absent. */
  index?: PrecedentIndex;
}

interface Vote {
  key: string;
  value: JsonValue;
  weight: number;
  /** How many precedents gave this value. */
  count: number;
}

/** Weighted votes of the retrieved precedents for `field`, in order of first appearance. */
function vote(precedents: readonly RetrievedPrecedent[], field: string): { votes: Vote[]; total: number } {
  const top = precedents.reduce((m, p) => Math.max(m, p.score), 0);
  const byKey = new Map<string, Vote>();
  const votes: Vote[] = [];
  let total = 0;
  for (const p of precedents) {
    const value = p.precedent.output[field];
    if (value === undefined) continue;
    const w = top > 0 && p.score > 0 ? (p.score / top) ** VOTE_POWER : top > 0 ? 0 : 1;
    total += w;
    const key = JSON.stringify(value);
    const v = byKey.get(key);
    if (v) {
      v.weight += w;
      v.count++;
    } else {
      const nv = { key, value, weight: w, count: 1 };
      byKey.set(key, nv);
      votes.push(nv);
    }
  }
  return { votes, total };
}

/** The best vote (ties: first appearance), if it holds at least `share` of the total. */
function strongest(votes: Vote[], total: number, share: number): Vote | undefined {
  let best: Vote | undefined;
  for (const v of votes) if (!best || v.weight > best.weight) best = v;
  return best && total > 0 && best.weight >= share * total ? best : undefined;
}

/**
 * A free-text value (a string, number or list) worth copying from precedents: it must hold a
 * strong share of the vote AND come from more than one precedent. One precedent's free text
 * ("explain the cashier role") almost never fits another message, however close the nearest is.
 */
function strongestCopy(votes: Vote[], total: number): Vote | undefined {
  const best = strongest(votes, total, STRONG_AGREEMENT);
  return best && best.count >= 2 ? best : undefined;
}

const NEGATION = /\b(not|no|never|wasnt|isnt|arent|werent|dont|doesnt|didnt|cant|cannot|wont|nothing|without)\b/;

/** 1 when `phrase` occurs as whole words in a clause, 0.5 when only in negated clauses, else 0. */
function mentionWeight(clauses: string[][], phrase: string): number {
  const p = tokenize(foldForSearch(phrase.replace(/[_-]+/g, ' ')));
  if (p.length === 0) return 0;
  let best = 0;
  for (const clause of clauses) {
    for (let i = 0; i + p.length <= clause.length; i++) {
      let ok = true;
      for (let j = 0; j < p.length && ok; j++) ok = clause[i + j] === p[j];
      if (!ok) continue;
      const negated = NEGATION.test(clause.join(' '));
      best = Math.max(best, negated ? 0.5 : 1);
    }
  }
  return best;
}

function clausesOf(text: string): string[][] {
  return foldForSearch(text)
    .split(/[.!?;\n]+|,\s*(?:but|and|so)\b/)
    .map((c) => tokenize(c))
    .filter((c) => c.length > 0);
}

function valueAliases(field: FieldSpec, rules: readonly Rule[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of field.values ?? []) out.set(v.value, [v.value, ...(v.aliases ?? [])]);
  for (const r of rules) {
    if (r.kind !== 'alias' || r.target !== 'value' || !r.enabled || r.field !== field.name) continue;
    out.get(r.to)?.push(r.from);
  }
  return out;
}

const NAME_FIELD = /(^|_)(name|fullname|full_name)$/i;
const NAME_WORD = "\\p{Lu}[\\p{L}'’-]+";
const NAME = `${NAME_WORD}(?:[ \\t]+${NAME_WORD}){0,2}`;
const NOT_NAMES = new Set(['Hi', 'Hello', 'Hey', 'Dear', 'Thanks', 'Thank', 'Regards', 'Best', 'Cheers', 'Sorry', 'Still', 'Just', 'Not', 'The', 'This', 'It', 'I', 'Very', 'So', 'Really', 'Here', 'Writing', 'Again', 'Team', 'Support']);

function plausibleName(s: string | undefined): string | null {
  if (!s) return null;
  const words = s.trim().split(/\s+/);
  while (words.length > 0 && NOT_NAMES.has(words[words.length - 1]!)) words.pop();
  if (words.length === 0 || NOT_NAMES.has(words[0]!)) return null;
  return words.join(' ');
}

/** A person's name from the message: self-introduction, sign-off, or the sender's display name. */
export function findName(message: MessageInput): string | null {
  const text = message.text;
  const intro = new RegExp(`(?:\\b(?:my name is|name's|i am|i['’]m|this is)\\s+)(${NAME})`, 'u').exec(text.replace(/\bI\b/g, 'i'));
  const introName = plausibleName(intro?.[1]);
  if (introName) return introName;
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 4); i--) {
    const line = lines[i]!;
    const dash = new RegExp(`^(?:--?|—|–)\\s*(${NAME})\\s*$`, 'u').exec(line);
    if (dash) return plausibleName(dash[1]);
    const signoff = new RegExp(`^(?:thanks|thank you|many thanks|regards|best regards|kind regards|best|cheers|sincerely|br)[,!.]?\\s*(${NAME})?\\s*$`, 'iu').exec(line);
    if (signoff) {
      const inline = plausibleName(signoff[1]);
      if (inline) return inline;
      const next = lines[i + 1];
      if (next && new RegExp(`^${NAME}$`, 'u').test(next)) return plausibleName(next);
    }
  }
  const sender = message.sender?.trim();
  if (sender) {
    const display = /^"?([^"<@]+?)"?\s*<[^>]*>$/.exec(sender)?.[1] ?? (sender.includes('@') ? undefined : sender);
    const name = plausibleName(display);
    if (name) return name;
  }
  return null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');
function validDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2199) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** The first unambiguous date in the text, as `YYYY-MM-DD`. */
export function findDate(text: string): string | null {
  const iso = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(text);
  if (iso) return validDate(+iso[1]!, +iso[2]!, +iso[3]!);
  const month = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
  const mdy = new RegExp(`\\b${month}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'i').exec(text);
  if (mdy) return validDate(+mdy[3]!, MONTHS.indexOf(mdy[1]!.toLowerCase()) + 1, +mdy[2]!);
  const dmy = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${month},?\\s+(\\d{4})\\b`, 'i').exec(text);
  if (dmy) return validDate(+dmy[3]!, MONTHS.indexOf(dmy[2]!.toLowerCase()) + 1, +dmy[1]!);
  const slash = /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b/.exec(text);
  if (slash) {
    const a = +slash[1]!;
    const b = +slash[2]!;
    if (a > 12 && b <= 12) return validDate(+slash[3]!, b, a);
    if (b > 12 && a <= 12) return validDate(+slash[3]!, a, b);
  }
  return null;
}

function findNumber(text: string): number | null {
  const m = /(?<![\w.-])-?\d+(?:[.,]\d+)?(?![\w-])/.exec(text.replace(/\b\d{4}-\d{1,2}-\d{1,2}\b/g, ' '));
  if (!m) return null;
  const n = Number(m[0].replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

interface Answerer {
  centroids(field: string): { labels: LabelCentroids; scores: Float64Array } | null;
}

function answerEnum(field: FieldSpec, request: ProviderRequest, ans: Answerer, fullText: string): JsonValue {
  const values = (field.values ?? []).map((v) => v.value);
  const score = new Float64Array(values.length);
  const pos = new Map(values.map((v, i) => [v, i]));
  const { votes, total } = vote(request.precedents, field.name);
  if (total > 0) {
    for (const v of votes) {
      const i = typeof v.value === 'string' ? pos.get(v.value) : undefined;
      if (i !== undefined) {
        score[i] = score[i]! + VOTE_SHARE * (v.weight / total);
      }
    }
  }
  const cent = ans.centroids(field.name);
  if (cent) {
    let max = 0;
    for (const s of cent.scores) max = Math.max(max, s);
    if (max > 0) {
      cent.labels.labels.forEach((key, l) => {
        const i = pos.get(JSON.parse(key) as string);
        if (i !== undefined) score[i] = score[i]! + (1 - VOTE_SHARE) * (cent.scores[l]! / max);
      });
    }
  }
  const clauses = clausesOf(fullText);
  const aliases = valueAliases(field, request.rules);
  values.forEach((v, i) => {
    let m = 0;
    for (const a of aliases.get(v) ?? [v]) m = Math.max(m, mentionWeight(clauses, a));
    score[i] = score[i]! + m * MENTION_BONUS;
  });
  let best = -1;
  for (let i = 0; i < values.length; i++) if (score[i]! > 0 && (best < 0 || score[i]! > score[best]!)) best = i;
  if (best >= 0) return values[best]!;
  if (field.nullable) return null;
  return values[0] ?? null;
}

function answerBoolean(field: FieldSpec, request: ProviderRequest, ans: Answerer): JsonValue {
  const score = { true: 0, false: 0 };
  const { votes, total } = vote(request.precedents, field.name);
  for (const v of votes) if (typeof v.value === 'boolean' && total > 0) score[`${v.value}`] += VOTE_SHARE * (v.weight / total);
  const cent = ans.centroids(field.name);
  if (cent) {
    let max = 0;
    for (const s of cent.scores) max = Math.max(max, s);
    if (max > 0) cent.labels.labels.forEach((key, l) => {
      if (key === 'true' || key === 'false') score[key] += (1 - VOTE_SHARE) * (cent.scores[l]! / max);
    });
  }
  if (score.true === 0 && score.false === 0) return field.nullable ? null : false;
  return score.true > score.false;
}

function answerField(field: FieldSpec, request: ProviderRequest, ans: Answerer): JsonValue {
  const m = request.message;
  const fullText = m.subject ? `${m.subject}\n${m.text}` : m.text;
  const fallback = (nonNull: JsonValue): JsonValue => (field.nullable ? null : nonNull);
  switch (field.type) {
    case 'enum':
      return answerEnum(field, request, ans, fullText);
    case 'boolean':
      return answerBoolean(field, request, ans);
    case 'date':
      return findDate(fullText) ?? fallback(null);
    case 'number': {
      const { votes, total } = vote(request.precedents, field.name);
      const v = strongestCopy(votes.filter((x) => typeof x.value === 'number'), total);
      if (v) return v.value;
      return findNumber(fullText) ?? fallback(0);
    }
    case 'string_list': {
      const lists = request.precedents.filter((p) => Array.isArray(p.precedent.output[field.name]));
      const { votes, total } = vote(lists, field.name);
      const v = strongestCopy(votes, total);
      return v && Array.isArray(v.value) ? v.value.filter((x) => typeof x === 'string') : [];
    }
    case 'string': {
      if (NAME_FIELD.test(field.name)) {
        const name = findName(m);
        if (name) return name;
      }
      const { votes, total } = vote(request.precedents, field.name);
      const v = strongestCopy(votes.filter((x) => typeof x.value === 'string'), total);
      if (v) return v.value;
      return fallback('');
    }
    default:
      return fallback(null);
  }
}

/**
 * The embedded provider. Without options it answers from the request alone (the retrieved
 * precedents, the rules and the message). With `{ precedents, index }` it also scores every label
 * of enum and boolean fields against per-label centroids of the whole precedent set.
 */
export function createEmbeddedProvider(options?: EmbeddedProviderOptions): Provider {
  let index: PrecedentIndex | undefined;
  let docNorm: Float64Array | undefined;
  const models = new Map<string, LabelCentroids>();
  const precedents = options?.precedents;
  const modelFor = (field: string): LabelCentroids | null => {
    if (!precedents || precedents.length === 0) return null;
    let model = models.get(field);
    if (!model) {
      index ??= options?.index ?? PrecedentIndex.build(precedents);
      docNorm ??= LabelCentroids.docNorms(index);
      model = LabelCentroids.build(index, precedents, field, docNorm);
      models.set(field, model);
    }
    return model;
  };
  return {
    name: 'embedded',
    model: EMBEDDED_MODEL,
    identity: 'embedded',
    async complete(request: ProviderRequest): Promise<ProviderResponse> {
      const ans: Answerer = {
        centroids(field) {
          const labels = modelFor(field);
          if (!labels || labels.labels.length === 0 || !index) return null;
          return { labels, scores: labels.score(index, request.message) };
        },
      };
      const out: Extraction = {};
      for (const field of request.schema.fields) out[field.name] = answerField(field, request, ans);
      return { raw: JSON.stringify(out), usage: null, model: EMBEDDED_MODEL, attempts: 1, responseFormat: 'none' };
    },
  };
}

export { labelKey };
