// The embedded provider: answers with no model at all, from the retrieved precedents (a
// score-weighted vote), per-field text classifiers and per-label centroids over the whole precedent
// set, and text heuristics (enum values named in the text, names in greetings and sign-offs, the
// language, ids of the shape precedents' ids have, what is asked for, dates, numbers). A message
// equal to a retrieved precedent's message gets that precedent's output.
// Its answer is a pure function of the request (and, with the centroid variant, of the precedent
// set it was created with), so it is deterministic and reproducible.
import type { Extraction, FieldConfidence, FieldSpec, JsonValue, MessageInput, Precedent, Rule } from '../domain.js';
import { normaliseMessage } from '../pipeline/normalise.js';
import { PrecedentIndex, foldForSearch, tokenize } from '../retrieval/index.js';
import { findRequestedAction } from './embedded-action.js';
import { FieldClassifier, classifierText } from './embedded-classify.js';
import { LabelCentroids, labelKey } from './embedded-labels.js';
import { findId, learnIdShape, type IdShape } from './embedded-shapes.js';
import { LANGUAGE_NAMES, identifyLanguage, isLanguageField, type LanguageCode } from './language-id.js';
import type { Provider, ProviderRequest, ProviderResponse, RetrievedPrecedent } from './types.js';

export const EMBEDDED_MODEL = 'embedded-v1';
/** How many precedents the embedded provider wants retrieved (the prompt may show fewer). */
export const EMBEDDED_RETRIEVAL_DEPTH = 25;

/** Vote weight of a precedent: (score / best score) ^ VOTE_POWER, so near-duplicates dominate. */
const VOTE_POWER = 4;
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
/** Words of display names that are no person's name ("Anonymous", "Test User", "Security Researcher"). */
const PLACEHOLDER_WORDS = new Set(['anonymous', 'unknown', 'test', 'tester', 'user', 'admin', 'noreply', 'no-reply', 'support', 'team', 'info', 'security', 'researcher', 'customer', 'client', 'owner', 'service', 'sales', 'office', 'billing', 'contact', 'mailer', 'daemon']);
/**
 * Sign-offs (case-insensitive, whole words), in the languages of language-id.ts. A name may follow
 * on the same line or on the next.
 */
const SIGNOFF = new RegExp(
  `^(?:thanks|thank you|many thanks|thanks again|regards|best regards|kind regards|warm regards|best|all the best|cheers|sincerely|br|thx|` +
    `saludos|un saludo|gracias|atentamente|un abrazo|mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße|liebe grüße|gruß|grüße|danke|` +
    `cordialement|bien à vous|merci|merci d'avance|bonne journée|obrigad[oa]|abraço|atenciosamente|cumprimentos|grazie|grazie mille|cordiali saluti|saluti|distinti saluti|` +
    `pozdrawiam|z poważaniem|dziękuję|mvh|hälsningar|med venlig hilsen|hilsen|groeten|met vriendelijke groet)[,!.]?(?=\\s|$)`,
  'iu',
);

function plausibleName(s: string | undefined): string | null {
  if (!s) return null;
  const words = s.trim().split(/\s+/);
  while (words.length > 0 && NOT_NAMES.has(words[words.length - 1]!)) words.pop();
  if (words.length === 0 || NOT_NAMES.has(words[0]!)) return null;
  return words.join(' ');
}

const nameLine = (line: string | undefined) => (line !== undefined && new RegExp(`^${NAME}$`, 'u').test(line) ? plausibleName(line) : null);

/** A person's name from the message: self-introduction, sign-off, or the sender's display name. */
export function findName(message: MessageInput): string | null {
  const text = message.text;
  const intro = new RegExp(`(?:\\b(?:my name is|name's|i am|i['’]m|this is)\\s+)(${NAME})`, 'u').exec(text.replace(/\bI\b/g, 'i'));
  const introName = plausibleName(intro?.[1]);
  if (introName) return introName;
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('>'));
  const last = Math.max(0, lines.length - 5);
  for (let i = lines.length - 1; i >= last; i--) {
    const line = lines[i]!;
    const dash = new RegExp(`^(?:--?|—|–)\\s*(${NAME})\\s*$`, 'u').exec(line);
    if (dash) return plausibleName(dash[1]);
    // A dash sign-off after the last sentence, on the same line ("… every time. - Priya"); only
    // after a sentence's end, so "Order TW-1 - Urgent" names no one.
    if (i === lines.length - 1) {
      const trailing = new RegExp(`[.!?]\\s+(?:--?|—|–)\\s*(${NAME})\\s*$`, 'u').exec(line);
      const name = plausibleName(trailing?.[1]);
      if (name) return name;
    }
    const signoff = SIGNOFF.exec(line);
    if (signoff) {
      // The name after the sign-off keeps its own case: "Br" must not eat "Brian".
      const rest = line.slice(signoff[0].length).trim();
      const inline = rest ? nameLine(rest) : null;
      if (inline) return inline;
      const next = nameLine(lines[i + 1]);
      if (next) return next;
    }
  }
  // A bare name on its own line closing the message ("...call me?\nDan"), after a line of prose.
  for (let i = Math.max(1, lines.length - 3); i < lines.length; i++) {
    const name = nameLine(lines[i]);
    if (name && /[.!?:)]$/.test(lines[i - 1]!) && !SIGNOFF.test(lines[i]!)) return name;
  }
  const sender = message.sender?.trim();
  if (sender) {
    const display = /^"?([^"<@]+?)"?\s*<[^>]*>$/.exec(sender)?.[1] ?? (sender.includes('@') ? undefined : sender);
    const name = plausibleName(display);
    if (name && !name.split(/\s+/).some((w) => PLACEHOLDER_WORDS.has(w.toLowerCase()))) return name;
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
  /** The field's text classifier's shares of each label key, or null without one. */
  classify(field: FieldSpec): { labels: string[]; shares: Float64Array } | null;
  idShape(field: FieldSpec): IdShape | null;
}

/** How sure the provider is of one field's answer (see Trace.confidence). */
type Sure = Omit<FieldConfidence, 'field' | 'value'>;

/** Weights of the evidence for an enum or boolean value: text classifier, centroids; the kNN vote has the rest. */
const W_CLASSIFIER = 0.55;
const W_CENTROID = 0.15;

/** Support of a value among the precedents shown (the first `settings.k` retrieved). */
function supportOf(request: ProviderRequest, field: string, value: JsonValue): { support: number; of: number } {
  const shown = request.precedents.slice(0, Math.max(0, request.settings.k));
  let support = 0;
  let of = 0;
  const key = JSON.stringify(value);
  for (const p of shown) {
    const v = p.precedent.output[field];
    if (v === undefined) continue;
    of++;
    if (JSON.stringify(v) === key) support++;
  }
  return { support, of };
}

/** Scores of label keys: the classifier's shares, the kNN vote and the centroids, weighted. */
function labelScores(field: FieldSpec, keys: string[], request: ProviderRequest, ans: Answerer): Float64Array {
  const score = new Float64Array(keys.length);
  const pos = new Map(keys.map((k, i) => [k, i]));
  const cls = ans.classify(field);
  const cent = ans.centroids(field.name);
  const { votes, total } = vote(request.precedents, field.name);
  const wClassifier = cls ? W_CLASSIFIER : 0;
  const wCentroid = cent ? W_CENTROID : 0;
  const wVote = 1 - wClassifier - wCentroid;
  if (cls) cls.labels.forEach((key, l) => {
    const i = pos.get(key);
    if (i !== undefined) score[i] = score[i]! + wClassifier * cls.shares[l]!;
  });
  if (total > 0) for (const v of votes) {
    const i = pos.get(v.key);
    if (i !== undefined) score[i] = score[i]! + wVote * (v.weight / total);
  }
  if (cent) {
    let sum = 0;
    for (const s of cent.scores) sum += Math.max(0, s);
    if (sum > 0) cent.labels.labels.forEach((key, l) => {
      const i = pos.get(key);
      if (i !== undefined) score[i] = score[i]! + wCentroid * (Math.max(0, cent.scores[l]!) / sum);
    });
  }
  return score;
}

/** The best index and its margin over the runner-up, in shares of the total score. */
function pick(score: Float64Array): { best: number; margin: number } {
  let best = -1;
  let second = -1;
  for (let i = 0; i < score.length; i++) {
    if (best < 0 || score[i]! > score[best]!) {
      second = best;
      best = i;
    } else if (second < 0 || score[i]! > score[second]!) second = i;
  }
  const total = score.reduce((a, b) => a + b, 0);
  if (best < 0 || !(score[best]! > 0) || total <= 0) return { best: -1, margin: 0 };
  return { best, margin: (score[best]! - (second >= 0 ? score[second]! : 0)) / total };
}

function answerEnum(field: FieldSpec, request: ProviderRequest, ans: Answerer, fullText: string): [JsonValue, Sure] {
  const values = (field.values ?? []).map((v) => v.value);
  const keys = values.map((v) => JSON.stringify(v));
  const score = labelScores(field, keys, request, ans);
  const clauses = clausesOf(fullText);
  const aliases = valueAliases(field, request.rules);
  values.forEach((v, i) => {
    let m = 0;
    for (const a of aliases.get(v) ?? [v]) m = Math.max(m, mentionWeight(clauses, a));
    score[i] = score[i]! + m * MENTION_BONUS;
  });
  const { best, margin } = pick(score);
  const value: JsonValue = best >= 0 ? values[best]! : field.nullable ? null : (values[0] ?? null);
  return [value, { margin: round(margin), ...supportOf(request, field.name, value) }];
}

function answerBoolean(field: FieldSpec, request: ProviderRequest, ans: Answerer): [JsonValue, Sure] {
  const keys = ['true', 'false'];
  const score = labelScores(field, keys, request, ans);
  const { best, margin } = pick(score);
  const value: JsonValue = best < 0 ? (field.nullable ? null : false) : best === 0;
  return [value, { margin: round(margin), ...supportOf(request, field.name, value) }];
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Whether a string field's precedents mostly leave it null (then a heuristic's answer needs support). */
function answerString(field: FieldSpec, request: ProviderRequest, ans: Answerer, fullText: string): JsonValue {
  const m = request.message;
  const fallback = (nonNull: JsonValue): JsonValue => (field.nullable ? null : nonNull);
  if (NAME_FIELD.test(field.name)) {
    const name = findName(m);
    if (name) return name;
  }
  if (isLanguageField(field)) {
    const code = identifyLanguage(m.text) ?? identifyLanguage(fullText);
    if (code) return languageValue(code, request.precedents.map((p) => p.precedent.output[field.name]));
  }
  const shape = ans.idShape(field);
  if (shape) return findId(shape, [m.text, m.subject]) ?? fallback('');
  if (ACTION_FIELD.test(`${field.name} ${field.description ?? ''}`)) {
    const action = identifyLanguage(m.text) === 'en' ? findRequestedAction(m.text) : null;
    if (action) return action;
  }
  const { votes, total } = vote(request.precedents, field.name);
  const v = strongestCopy(votes.filter((x) => typeof x.value === 'string'), total);
  if (v) return v.value;
  return fallback('');
}

/** A string field that asks what someone wants done: its name or description says so. */
const ACTION_FIELD = /(^|[\s_])(action|request|requested|ask|asks|wants?)([\s_]|$)/i;

/** A language code, or its English name when the precedents' values are names ("Spanish"). */
function languageValue(code: LanguageCode, seen: readonly (JsonValue | undefined)[]): string {
  const strings = seen.filter((v): v is string => typeof v === 'string' && v.length > 0);
  const names = strings.filter((v) => v.length > 3).length;
  if (names > strings.length / 2) return LANGUAGE_NAMES[code];
  const upper = strings.filter((v) => v.length <= 3 && v === v.toUpperCase()).length;
  return upper > strings.length / 2 ? code.toUpperCase() : code;
}

function answerField(field: FieldSpec, request: ProviderRequest, ans: Answerer, sure: FieldConfidence[]): JsonValue {
  const m = request.message;
  const fullText = m.subject ? `${m.subject}\n${m.text}` : m.text;
  const fallback = (nonNull: JsonValue): JsonValue => (field.nullable ? null : nonNull);
  switch (field.type) {
    case 'enum': {
      const [value, s] = answerEnum(field, request, ans, fullText);
      sure.push({ field: field.name, value, ...s });
      return value;
    }
    case 'boolean': {
      const [value, s] = answerBoolean(field, request, ans);
      sure.push({ field: field.name, value, ...s });
      return value;
    }
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
    case 'string':
      return answerString(field, request, ans, fullText);
    default:
      return fallback(null);
  }
}

const sameText = (a: MessageInput, b: MessageInput) => a.text.trim() === b.text.trim() && (!b.subject || (a.subject ?? '').trim() === b.subject.trim());

/** The same message as the pipeline sees it: text, subject, sender and context alike, once normalised. */
function sameMessage(a: MessageInput, b: MessageInput): boolean {
  const x = normaliseMessage(a);
  const y = normaliseMessage(b);
  return x.text === y.text && x.subject === y.subject && x.sender === y.sender && (x.context ?? []).join('\u0000') === (y.context ?? []).join('\u0000');
}

/**
 * The retrieved precedent whose message this is: one equal in every part first (precedents may
 * share a text and differ in subject or sender, each with its own output), else one with the same
 * text (and subject, when the precedent has one).
 */
function exactPrecedent(request: ProviderRequest): RetrievedPrecedent | undefined {
  return request.precedents.find((p) => sameMessage(request.message, p.precedent.message)) ?? request.precedents.find((p) => sameText(request.message, p.precedent.message));
}

/**
 * The embedded provider. Without options it answers from the request alone (the retrieved
 * precedents, the rules and the message). With `{ precedents, index }` it also classifies enum and
 * boolean fields with a per-field text classifier and per-label centroids over the whole precedent
 * set, and learns the shape of id-like string fields from it. A message equal to a retrieved
 * precedent's message gets that precedent's output. The response carries how sure it is of each
 * enum and boolean field (`confidence`, which the pipeline puts in the trace).
 */
/** A turn for the event loop (whatever else is waiting runs first). */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function createEmbeddedProvider(options?: EmbeddedProviderOptions): Provider {
  let index: PrecedentIndex | undefined;
  let docNorm: Float64Array | undefined;
  const models = new Map<string, LabelCentroids>();
  const classifiers = new Map<string, FieldClassifier | null>();
  const shapes = new Map<string, IdShape | null>();
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
  // Cached by the field's name and spec: a schema edit makes a new one.
  const classifierFor = (field: FieldSpec): FieldClassifier | null => {
    if (!precedents || precedents.length === 0) return null;
    const key = JSON.stringify(field);
    if (!classifiers.has(key)) classifiers.set(key, FieldClassifier.build(field, precedents));
    return classifiers.get(key)!;
  };
  const shapeFor = (field: FieldSpec): IdShape | null => {
    if (!precedents || precedents.length === 0) return null;
    if (!shapes.has(field.name)) shapes.set(field.name, learnIdShape(precedents, field.name));
    return shapes.get(field.name)!;
  };
  return {
    name: 'embedded',
    model: EMBEDDED_MODEL,
    identity: 'embedded',
    async prepare(schema) {
      // One field's models at a time (tens of ms each at a few hundred precedents), a turn between.
      for (const field of schema.fields) {
        if (field.type === 'enum' || field.type === 'boolean') {
          modelFor(field.name);
          await turn();
          classifierFor(field);
        } else if (field.type === 'string') {
          shapeFor(field);
        }
        await turn();
      }
    },
    async complete(request: ProviderRequest): Promise<ProviderResponse> {
      const exact = exactPrecedent(request);
      if (exact) {
        const out: Extraction = {};
        const confidence: FieldConfidence[] = [];
        for (const field of request.schema.fields) {
          const value = exact.precedent.output[field.name];
          if (value === undefined) continue;
          out[field.name] = value;
          if (field.type === 'enum' || field.type === 'boolean') confidence.push({ field: field.name, value, margin: 1, support: 1, of: 1, exact: exact.precedent.id });
        }
        return { raw: JSON.stringify(out), usage: null, model: EMBEDDED_MODEL, attempts: 1, responseFormat: 'none', confidence };
      }
      const fullText = classifierText(request.message);
      const ans: Answerer = {
        centroids(field) {
          const labels = modelFor(field);
          if (!labels || labels.labels.length === 0 || !index) return null;
          return { labels, scores: labels.score(index, request.message) };
        },
        classify(field) {
          const c = classifierFor(field);
          return c ? { labels: c.labels, shares: c.shares(fullText) } : null;
        },
        idShape: shapeFor,
      };
      const out: Extraction = {};
      const confidence: FieldConfidence[] = [];
      for (const field of request.schema.fields) out[field.name] = answerField(field, request, ans, confidence);
      return { raw: JSON.stringify(out), usage: null, model: EMBEDDED_MODEL, attempts: 1, responseFormat: 'none', confidence };
    },
  };
}

export { labelKey };
