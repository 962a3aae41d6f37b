// Canonical JSON (RFC 8785, JSON Canonicalization Scheme) and SHA-256: the basis of rulebook hashes.
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// `canonicalize` is CommonJS whose typings declare an ES default export: under Node's ESM interop
// the default import is the function itself, while the typings describe `{ default: fn }`.
type Serialize = (input: unknown) => string | undefined;
const canonicalize: Serialize =
  typeof canonicalizeModule === 'function' ? (canonicalizeModule as Serialize) : (canonicalizeModule as { default: Serialize }).default;

/**
 * Throws unless `value` is plain JSON: strings, finite numbers, booleans, null, arrays and plain
 * objects. An object property whose value is `undefined` is allowed and omitted, as in
 * JSON.stringify (the written file has no such property, so the hash still describes it). A
 * top-level `undefined`, `undefined` in an array, NaN, Infinity, functions, symbols, bigints and
 * class instances such as Date or Map are refused with the JSON pointer of the offending value,
 * because JSON.stringify would silently drop or rewrite them.
 */
export function assertPlainJson(value: unknown, path = ''): void {
  const where = () => (path === '' ? 'the value' : `"${path}"`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${where()} is ${String(value)}; JSON has no NaN or Infinity`);
      return;
    case 'undefined':
      throw new TypeError(`canonicalJson: ${where()} is undefined, which JSON cannot represent; use null`);
    case 'function':
    case 'symbol':
    case 'bigint':
      throw new TypeError(`canonicalJson: ${where()} is a ${typeof value}, which is not JSON`);
    case 'object': {
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) assertPlainJson(value[i], `${path}/${i}`);
        return;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        throw new TypeError(`canonicalJson: ${where()} is a ${name}, not a plain object; convert it to JSON first`);
      }
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) assertPlainJson(v, `${path}/${escapePointer(key)}`);
      }
      return;
    }
  }
}

/**
 * RFC 8785 canonical JSON: keys sorted by UTF-16 code units, no whitespace, strings and numbers as
 * ECMAScript's JSON.stringify writes them. Refuses what is not plain JSON (see assertPlainJson).
 *
 * Serialises in one pass that also checks the value; the result equals the `canonicalize`
 * package's (tests compare the two), which is several times slower on large rulebooks.
 */
export function canonicalJson(value: unknown): string {
  try {
    // Fast path: a copy with keys inserted in sorted order, written by the native JSON.stringify.
    // Objects order integer-like keys ("2", "10") numerically whatever the insertion order, so a
    // value that has any falls back to the plain serialiser.
    // A value parsed from a file written in canonical order needs no copy at all.
    if (inCanonicalOrder(value)) return JSON.stringify(value);
    const state = { integerKeys: false };
    const copy = sortedCopy(value, state);
    return state.integerKeys ? serialize(value) : JSON.stringify(copy);
  } catch (err) {
    if (err !== NOT_JSON) throw err;
    assertPlainJson(value); // throws, naming where
    throw new TypeError('canonicalJson: the value is not JSON');
  }
}

const INTEGER_KEY = /^(?:0|[1-9][0-9]*)$/;

/** Whether JSON.stringify would write `value` in canonical form: plain JSON with every object's keys already sorted. */
function inCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return true;
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!inCanonicalOrder(value[i])) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
      const obj = value as Record<string, unknown>;
      let prev: string | undefined;
      for (const k in obj) {
        if (prev !== undefined && !(prev < k)) return false;
        if (INTEGER_KEY.test(k)) return false;
        prev = k;
        const v = obj[k];
        if (v !== undefined && !inCanonicalOrder(v)) return false;
      }
      return true;
    }
    default:
      throw NOT_JSON;
  }
}

function sortedCopy(value: unknown, state: { integerKeys: boolean }): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = sortedCopy(value[i], state);
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        if (!state.integerKeys && INTEGER_KEY.test(k)) state.integerKeys = true;
        // Assigning `out['__proto__']` would set the copy's prototype instead of adding the key,
        // leaving it out of the hash: define that one key as an own property.
        if (k === '__proto__') Object.defineProperty(out, k, { value: sortedCopy(v, state), enumerable: true, writable: true, configurable: true });
        else out[k] = sortedCopy(v, state);
      }
      return out;
    }
    default:
      throw NOT_JSON;
  }
}

/** The reference implementation (the `canonicalize` package), after the same checks. */
export function canonicalJsonReference(value: unknown): string {
  assertPlainJson(value);
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

const NOT_JSON = Symbol('not JSON');

function serialize(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i) out += ',';
          out += serialize(value[i]);
        }
        return `${out}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(k);
        out += ':';
        out += serialize(v);
      }
      return `${out}}`;
    }
    default:
      throw NOT_JSON;
  }
}

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Escapes a key for use in a JSON pointer (RFC 6901). */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
