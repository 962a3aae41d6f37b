// The scripted server's default answerer: a deterministic "model" that reads the message to
// extract and fills in a JSON Schema. It is no language model: enums take the value the message
// names first, names come from "I'm ..." / "my name is ...", everything else gets a neutral value.

export interface ParsedMessage {
  text: string;
  subject?: string;
  sender?: string;
  context?: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

/**
 * The message to extract from the last user message: the JSON between a line `<message>` and a
 * line `</message>` (the last such block); without those lines, the whole user content is the text.
 */
export function parseMessageFromChat(messages: unknown): ParsedMessage {
  const list = Array.isArray(messages) ? (messages as unknown[]) : [];
  let content = '';
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i] as { role?: unknown; content?: unknown } | null;
    if (m && m.role === 'user') {
      content = contentText(m.content);
      break;
    }
  }
  // The last block: earlier ones may be examples.
  const blocks = [...content.matchAll(/(?:^|\n)<message>[ \t]*\r?\n([\s\S]*?)\r?\n<\/message>[ \t]*(?=\r?\n|$)/g)];
  const match = blocks[blocks.length - 1];
  if (!match) return { text: content };
  const inner = match[1] ?? '';
  try {
    const parsed = JSON.parse(inner) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>;
      const msg: ParsedMessage = { text: typeof o['text'] === 'string' ? o['text'] : '' };
      if (typeof o['subject'] === 'string') msg.subject = o['subject'];
      if (typeof o['sender'] === 'string') msg.sender = o['sender'];
      if (Array.isArray(o['context'])) msg.context = o['context'].filter((c): c is string => typeof c === 'string');
      return msg;
    }
    if (typeof parsed === 'string') return { text: parsed };
  } catch {
    // not JSON: the text between the markers is the message
  }
  return { text: inner };
}

/** The text of a chat message's content (a string, or an array of text parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join('');
  }
  return '';
}

/** Finds the first JSON object in `text` that looks like a JSON Schema (has `properties` or `type`). */
export function findEmbeddedSchema(text: string): Schema | null {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    if (end === -1) continue;
    try {
      const value = JSON.parse(text.slice(start, end + 1)) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const o = value as Schema;
        if (typeof o['properties'] === 'object' || o['type'] === 'object') return o;
      }
    } catch {
      // not JSON from this brace; try the next one
    }
  }
  return null;
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const NAME_RE =
  /(?:\b[Ii](?:'|\u2019)m|\b[Ii] am|\b[Mm]y name is|\b[Tt]his is|\b[Nn]ame(?:'|\u2019)s)[ \t]+(\p{Lu}\p{Ll}[\p{L}'\u2019-]*(?:[ \t]+\p{Lu}\p{Ll}[\p{L}'\u2019-]*)?)/gu;

/** Capitalised words after "I'm" that are not names ("I'm Still locked out"). */
const NOT_NAMES = new Set(
  'still not so really very just also again here back sure glad happy sorry afraid unable done new the a an from with on in at'.split(' '),
);

/** A name after "I'm", "I am", "my name is", "this is"; null when there is none. */
export function findName(text: string): string | null {
  for (const m of text.matchAll(NAME_RE)) {
    const words = (m[1] ?? '').split(/[ \t]+/);
    const first = (words[0] ?? '').toLowerCase();
    if (NOT_NAMES.has(first) || /(?:ing|ed)$/.test(first)) continue;
    const second = words[1]?.toLowerCase();
    return second !== undefined && (NOT_NAMES.has(second) || /(?:ing|ed)$/.test(second)) ? (words[0] ?? null) : words.join(' ');
  }
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where `value` is first named in `text` (whole word, case-insensitive; `_`, `-` and space interchangeable), or -1. */
function firstMention(text: string, value: string): number {
  if (value.trim() === '') return -1;
  const pattern = value
    .split(/[_\s-]+/)
    .filter((w) => w !== '')
    .map(escapeRegExp)
    .join('[_\\s-]+');
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, 'iu');
  const m = re.exec(text);
  return m ? m.index : -1;
}

/** The enum value named first in the text (the longer one when two start at the same place), else the first value. */
export function pickEnum(values: readonly unknown[], text: string): Json {
  let best: { index: number; value: string } | null = null;
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const index = firstMention(text, v);
    if (index === -1) continue;
    if (!best || index < best.index || (index === best.index && v.length > best.value.length)) best = { index, value: v };
  }
  if (best) return best.value;
  return (values.length > 0 ? values[0] : null) as Json;
}

/** The enum values named in the text, in the order they are first named. */
function mentionedEnums(values: readonly unknown[], text: string): string[] {
  return values
    .filter((v): v is string => typeof v === 'string')
    .map((v) => ({ v, i: firstMention(text, v) }))
    .filter((x) => x.i !== -1)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.v);
}

function isNameKey(key: string | undefined): boolean {
  if (key === undefined) return false;
  const nameLike = /^name$/i.test(key) || /[_-]name$/i.test(key) || /[a-z]Name$/.test(key);
  return nameLike && !/^(user|file|host|domain|product|model|schema)[_-]?name$/i.test(key);
}

interface Ctx {
  root: Schema;
  message: ParsedMessage;
  depth: number;
}

function resolveRef(schema: Schema, ctx: Ctx): Schema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s['$ref'] === 'string'; i++) {
    const ref = s['$ref'] as string;
    if (!ref.startsWith('#/')) return {};
    let target: unknown = ctx.root;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      target = target && typeof target === 'object' ? (target as Record<string, unknown>)[key] : undefined;
    }
    s = target && typeof target === 'object' ? (target as Schema) : {};
  }
  return s;
}

function typesOf(schema: Schema): string[] {
  const t = schema['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

/** A value that conforms to `schema`, chosen deterministically from the message. */
export function valueForSchema(schemaIn: unknown, ctx: Ctx, key?: string): Json {
  if (!schemaIn || typeof schemaIn !== 'object' || ctx.depth > 20) return null;
  const schema = resolveRef(schemaIn as Schema, ctx);
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  if ('const' in schema) return schema['const'] as Json;
  if (Array.isArray(schema['enum'])) return pickEnum(schema['enum'], ctx.message.text);

  const union = (Array.isArray(schema['anyOf']) ? schema['anyOf'] : Array.isArray(schema['oneOf']) ? schema['oneOf'] : null) as
    | unknown[]
    | null;
  if (union) {
    const branches = union.map((b) => (b && typeof b === 'object' ? resolveRef(b as Schema, ctx) : {}));
    const nonNull = branches.filter((b) => !(typesOf(b).length === 1 && typesOf(b)[0] === 'null'));
    const nullable = nonNull.length < branches.length;
    if (nonNull.length === 0) return null;
    const value = valueForSchema(nonNull[0], inner, key);
    if (nullable && value === '') return null;
    return value;
  }

  const types = typesOf(schema);
  const nullable = types.includes('null');
  const type = types.find((t) => t !== 'null') ?? (schema['properties'] ? 'object' : schema['items'] ? 'array' : undefined);
  switch (type) {
    case 'object': {
      const out: { [k: string]: Json } = {};
      const props = (schema['properties'] ?? {}) as Record<string, unknown>;
      for (const [k, sub] of Object.entries(props)) out[k] = valueForSchema(sub, inner, k);
      return out;
    }
    case 'array': {
      const items = schema['items'] && typeof schema['items'] === 'object' ? resolveRef(schema['items'] as Schema, ctx) : {};
      const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      const max = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : Infinity;
      let out: Json[] = Array.isArray(items['enum']) ? mentionedEnums(items['enum'], ctx.message.text) : [];
      if (out.length > max) out = out.slice(0, max);
      while (out.length < min) out.push(valueForSchema(items, inner));
      return out;
    }
    case 'string': {
      if (isNameKey(key)) {
        const name = findName(ctx.message.text);
        if (name !== null) return name;
      }
      if (nullable) return null;
      const format = schema['format'];
      let s = format === 'date' ? '1970-01-01' : format === 'date-time' ? '1970-01-01T00:00:00Z' : '';
      const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
      while (s.length < minLength) s += 'x';
      return s;
    }
    case 'integer':
    case 'number': {
      if (nullable) return null;
      const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : undefined;
      const exMin = typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] : undefined;
      if (min !== undefined && min > 0) return type === 'integer' ? Math.ceil(min) : min;
      if (exMin !== undefined && exMin >= 0) return type === 'integer' ? Math.floor(exMin) + 1 : exMin + 1;
      return 0;
    }
    case 'boolean':
      return nullable ? null : false;
    case 'null':
      return null;
    default:
      return null;
  }
}

/** The default answer: a value for `schema` if there is one, else a generic object. */
export function defaultAnswer(schema: Schema | null, message: ParsedMessage): Json {
  if (!schema) {
    return { name: findName(message.text), summary: message.text.slice(0, 80) };
  }
  return valueForSchema(schema, { root: schema, message, depth: 0 });
}
