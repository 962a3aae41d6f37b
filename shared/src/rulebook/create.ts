// Making rulebooks: the first version, the next version of an existing one, and the file form.
import { randomBytes } from 'node:crypto';
import type { ExtractionSchema, ModelSettings, Precedent, Rule, RulebookArtifact, RulebookBody } from '../domain.js';
import { DEFAULT_SETTINGS, RULEBOOK_FORMAT, RULEBOOK_FORMAT_VERSION } from '../domain.js';
import { MAX_JSON_DEPTH, valueTooDeepAt } from '../json/depth.js';
import { assertPlainJson } from './canonical.js';
import { slugify as slugifyName } from '../slug.js';
import { RulebookError } from './errors.js';
import { validateRulebookFormat } from './format.js';
import { bodyOf, rulebookHash } from './hash.js';
import { prototypeKeyAt, prototypeNameProblems } from './prototype-keys.js';

export interface CreateRulebookInput {
  /** Default: a slug of the name plus a short random suffix. */
  id?: string;
  name: string;
  schema: ExtractionSchema;
  instructions?: string;
  rules?: Rule[];
  precedents?: Precedent[];
  /** Merged over DEFAULT_SETTINGS. */
  settings?: Partial<ModelSettings>;
  /** ISO 8601; default now. */
  createdAt?: string;
}

export type RulebookChanges = Partial<Pick<RulebookBody, 'name' | 'instructions' | 'schema' | 'rules' | 'precedents' | 'settings'>>;

/** A URL- and file-name-safe slug: lower case ASCII letters, digits and dashes. */
export function slugify(name: string): string {
  return slugifyName(name, 40, 'rulebook');
}

/** Deep copy of plain JSON without properties whose value is undefined (checked to be plain JSON). */
function cleanCopy<T>(value: T): T {
  assertPlainJson(value);
  return JSON.parse(JSON.stringify(value)) as T;
}

function finish(body: RulebookBody, what: string): RulebookArtifact {
  // What a loader refuses (see checkJsonText) is never written: too deep a value, a __proto__ key.
  const deep = valueTooDeepAt(body);
  if (deep !== null) throw new RulebookError('format', what, `the rulebook would be invalid: ${deep}: nested deeper than ${MAX_JSON_DEPTH} levels`);
  const clean = cleanCopy(body);
  const proto = prototypeKeyAt(clean);
  if (proto !== null) throw new RulebookError('format', what, `the rulebook would be invalid: ${proto}: key "__proto__" is not allowed`);
  const artifact: RulebookArtifact = { ...clean, hash: rulebookHash(clean) };
  const result = validateRulebookFormat(artifact);
  const errors = result.ok ? prototypeNameProblems(artifact) : result.errors;
  if (errors.length) {
    throw new RulebookError('format', what, `the rulebook would be invalid: ${errors.slice(0, 5).join('; ')}`, { details: errors });
  }
  return artifact;
}

/** Version 1 of a new rulebook: hashed, unsigned, checked like a loaded file. Throws RulebookError('format'). */
export function createRulebook(input: CreateRulebookInput): RulebookArtifact {
  const settings: ModelSettings = { ...DEFAULT_SETTINGS, ...stripUndefined(input.settings ?? {}) };
  const body: RulebookBody = {
    format: RULEBOOK_FORMAT,
    formatVersion: RULEBOOK_FORMAT_VERSION,
    id: input.id ?? `${slugify(input.name)}-${randomBytes(3).toString('hex')}`,
    name: input.name,
    version: 1,
    parent: null,
    createdAt: input.createdAt ?? new Date().toISOString(),
    instructions: input.instructions ?? '',
    schema: input.schema,
    rules: input.rules ?? [],
    precedents: input.precedents ?? [],
    settings,
  };
  return finish(body, `new rulebook "${input.name}"`);
}

/**
 * The next version: version + 1, `parent` pointing at `prev` (version and hash), a new createdAt
 * and hash, no signature. `prev` must be intact (its hash is checked). Throws RulebookError.
 */
export function nextVersion(prev: RulebookArtifact, changes: RulebookChanges, opts: { createdAt?: string } = {}): RulebookArtifact {
  const prevHash = rulebookHash(prev);
  if (prevHash !== prev.hash) {
    throw new RulebookError('hash_mismatch', `rulebook ${prev.id} v${prev.version}`,
      `content was changed after it was hashed: expected ${prevHash}, artifact says ${prev.hash}`);
  }
  const body: RulebookBody = {
    ...bodyOf(prev),
    ...stripUndefined(changes),
    format: RULEBOOK_FORMAT,
    // A newer 1.x minor is kept: its properties are carried over and stay valid.
    formatVersion: minorOf(prev.formatVersion) > minorOf(RULEBOOK_FORMAT_VERSION) ? prev.formatVersion : RULEBOOK_FORMAT_VERSION,
    version: prev.version + 1,
    parent: { version: prev.version, hash: prev.hash },
    createdAt: opts.createdAt ?? new Date().toISOString(),
  };
  return finish(body, `rulebook ${prev.id} v${prev.version + 1}`);
}

const minorOf = (v: string) => Number(/^\d+\.(\d+)$/.exec(v)?.[1] ?? 0);

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The file form: keys in canonical (RFC 8785) order, 2-space indentation, final newline, so that
 * versions diff well in git. Loaders hash the canonical form of the parsed body, not these bytes.
 */
export function serializeRulebook(artifact: RulebookArtifact): string {
  assertPlainJson(artifact);
  const out: string[] = [];
  write(artifact, '', out);
  out.push('\n');
  return out.join('');
}

function write(value: unknown, indent: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[');
    value.forEach((v, i) => {
      out.push(i ? ',\n' : '\n', inner);
      write(v, inner, out);
    });
    out.push('\n', indent, ']');
    return;
  }
  const obj = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is RFC 8785's order.
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{');
  keys.forEach((k, i) => {
    out.push(i ? ',\n' : '\n', inner, JSON.stringify(k), ': ');
    write(obj[k], inner, out);
  });
  out.push('\n', indent, '}');
}
