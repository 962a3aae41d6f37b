// A strict check of a JSON text before JSON.parse builds its value. JSON.parse lets the last of
// duplicate keys win (so a decoy earlier in a file can mislead a reader or another parser), turns
// an out-of-range number into Infinity, and says where a syntax error is in messages that differ
// between Node versions. One pass over the text finds the first problem and where it is: its
// offset, line, column and JSON pointer. It never recurses, so any depth is safe to check.
import { MAX_JSON_DEPTH } from '../json/depth.js';
import { escapePointer } from './canonical.js';

export type JsonTextProblemKind = 'syntax' | 'duplicate_key' | 'prototype_key' | 'too_deep' | 'number_range';

export interface JsonTextProblem {
  kind: JsonTextProblemKind;
  /** 0-based offset into the text (UTF-16 code units). */
  offset: number;
  line: number;
  column: number;
  /** JSON pointer (RFC 6901) of the value or key at fault; '' is the whole text. */
  pointer: string;
  message: string;
}

export interface CheckJsonTextOptions {
  /** The deepest nesting of arrays and objects allowed. Default MAX_JSON_DEPTH. */
  maxDepth?: number;
}

const EXPECT_VALUE = 0;
const AFTER_VALUE = 1;
const EXPECT_KEY = 2;
/** Up to this many keys an object's keys are compared one by one; a Map beyond. */
const FEW_KEYS = 16;

/** Characters a string may hold unescaped, as a sticky run. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what a JSON string may not hold unescaped
const PLAIN = /[^"\\\u0000-\u001f]*/y;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The first problem of `text` as JSON for a rulebook, or null: a syntax error, a duplicate key in
 * an object, a `__proto__` key (which objects built by assignment take as their prototype),
 * nesting deeper than `maxDepth`, or a number a double cannot hold.
 */
export function checkJsonText(text: string, opts: CheckJsonTextOptions = {}): JsonTextProblem | null {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const n = text.length;
  let i = 0;
  let depth = 0;
  // Per open container, 1-based by depth: whether it is an object, its element count, the key or
  // index of the value being read (for pointers), and an object's keys so far with their offsets.
  const isObject: boolean[] = [false];
  const count: number[] = [0];
  const segment: string[] = [''];
  const keys: string[][] = [[]];
  const keyOffsets: number[][] = [[]];
  const keyIndex: (Map<string, number> | null)[] = [null];

  const pointerTo = (d: number) => {
    let p = '';
    for (let k = 1; k <= d; k++) p += `/${escapePointer(segment[k]!)}`;
    return p;
  };
  const problem = (kind: JsonTextProblemKind, offset: number, pointer: string, message: string): JsonTextProblem => ({
    kind,
    offset,
    ...lineColumn(text, offset),
    pointer,
    message,
  });
  const found = (at: number) => (at >= n ? 'end of input' : JSON.stringify(text[at]));
  // Where a key is expected, the pointer is the object's: the key is not known yet.
  let readingKey = false;
  const syntax = (at: number, message: string) => problem('syntax', at, pointerTo(readingKey ? depth - 1 : depth), message);
  const skipWhitespace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  /** Reads the string at `i` (its opening quote): null when it is well formed, else the problem. Sets `escaped`. */
  let escaped = false;
  const readString = (): JsonTextProblem | null => {
    escaped = false;
    i++;
    for (;;) {
      // Runs of plain characters are skipped by the regular expression engine, many times faster than a loop.
      PLAIN.lastIndex = i;
      PLAIN.test(text);
      i = PLAIN.lastIndex;
      if (i >= n) return syntax(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c === 0x5c) {
        escaped = true;
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          // \uXXXX
          for (let k = 2; k < 6; k++) {
            const h = text.charCodeAt(i + k);
            if (!(isDigit(h) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) return syntax(i, 'bad \\u escape in string');
          }
          i += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i += 2;
        else return syntax(i, 'bad escape in string');
      } else if (c < 0x20) return syntax(i, 'control character in string (escape it)');
      else i++;
    }
  };

  let mode = EXPECT_VALUE;
  for (;;) {
    if (mode === EXPECT_VALUE) {
      skipWhitespace();
      const c = text.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) {
        if (depth + 1 > maxDepth) return problem('too_deep', i, pointerTo(depth), `nested deeper than ${maxDepth} levels`);
        depth++;
        const object = c === 0x7b;
        isObject[depth] = object;
        count[depth] = 0;
        i++;
        skipWhitespace();
        if (text.charCodeAt(i) === (object ? 0x7d : 0x5d)) {
          i++;
          depth--;
          mode = AFTER_VALUE;
        } else if (object) {
          (keys[depth] ??= []).length = 0;
          (keyOffsets[depth] ??= []).length = 0;
          keyIndex[depth] = null;
          mode = EXPECT_KEY;
        } else segment[depth] = '0';
        continue;
      }
      if (c === 0x22) {
        const bad = readString();
        if (bad) return bad;
      } else if (c === 0x2d || isDigit(c)) {
        const start = i;
        if (c === 0x2d) i++;
        const d = text.charCodeAt(i);
        if (d === 0x30) i++;
        else if (isDigit(d)) while (isDigit(text.charCodeAt(i))) i++;
        else return syntax(i, `expected a digit after '-', found ${found(i)}`);
        let exponent = false;
        if (text.charCodeAt(i) === 0x2e) {
          i++;
          if (!isDigit(text.charCodeAt(i))) return syntax(i, `expected a digit after the decimal point, found ${found(i)}`);
          while (isDigit(text.charCodeAt(i))) i++;
        }
        const e = text.charCodeAt(i);
        if (e === 0x65 || e === 0x45) {
          exponent = true;
          i++;
          const s = text.charCodeAt(i);
          if (s === 0x2b || s === 0x2d) i++;
          if (!isDigit(text.charCodeAt(i))) return syntax(i, `expected a digit in the exponent, found ${found(i)}`);
          while (isDigit(text.charCodeAt(i))) i++;
        }
        // JSON.parse would read it as Infinity, which canonical JSON (and so the hash) cannot represent.
        if ((exponent || i - start > 300) && !Number.isFinite(Number(text.slice(start, i)))) {
          return problem('number_range', start, pointerTo(depth), `number ${text.slice(start, Math.min(i, start + 40))}${i - start > 40 ? '…' : ''} is too large for a double`);
        }
      } else if (c === 0x74 && text.startsWith('true', i)) i += 4;
      else if (c === 0x66 && text.startsWith('false', i)) i += 5;
      else if (c === 0x6e && text.startsWith('null', i)) i += 4;
      else return syntax(i, `expected a JSON value, found ${found(i)}`);
      mode = AFTER_VALUE;
      continue;
    }

    if (mode === AFTER_VALUE) {
      skipWhitespace();
      if (depth === 0) return i < n ? syntax(i, `unexpected text after the JSON value, found ${found(i)}`) : null;
      const c = text.charCodeAt(i);
      if (isObject[depth]) {
        if (c === 0x2c) {
          i++;
          mode = EXPECT_KEY;
        } else if (c === 0x7d) {
          i++;
          depth--;
        } else return syntax(i, `expected ',' or '}' after a property value, found ${found(i)}`);
      } else if (c === 0x2c) {
        i++;
        segment[depth] = String(++count[depth]!);
        mode = EXPECT_VALUE;
      } else if (c === 0x5d) {
        i++;
        depth--;
      } else return syntax(i, `expected ',' or ']' after an array element, found ${found(i)}`);
      continue;
    }

    // EXPECT_KEY
    readingKey = true;
    skipWhitespace();
    if (text.charCodeAt(i) !== 0x22) return syntax(i, `expected a double-quoted property name, found ${found(i)}`);
    const keyAt = i;
    const bad = readString();
    if (bad) return bad;
    readingKey = false;
    const key = escaped ? (JSON.parse(text.slice(keyAt, i)) as string) : text.slice(keyAt + 1, i - 1);
    segment[depth] = key;
    if (key === '__proto__') return problem('prototype_key', keyAt, pointerTo(depth), 'key "__proto__" is not allowed');
    const seen = keys[depth]!;
    const offsets = keyOffsets[depth]!;
    let first = -1;
    const index = keyIndex[depth];
    if (index) first = index.get(key) ?? -1;
    else {
      for (let k = 0; k < seen.length; k++) {
        if (seen[k] === key) {
          first = offsets[k]!;
          break;
        }
      }
    }
    if (first >= 0) {
      const at = lineColumn(text, first);
      return problem('duplicate_key', keyAt, pointerTo(depth), `duplicate key ${JSON.stringify(key)} (first at line ${at.line}, column ${at.column})`);
    }
    if (index) index.set(key, keyAt);
    else {
      seen.push(key);
      offsets.push(keyAt);
      if (seen.length > FEW_KEYS) keyIndex[depth] = new Map(seen.map((k, j) => [k, offsets[j]!]));
    }
    count[depth]!++;
    skipWhitespace();
    if (text.charCodeAt(i) !== 0x3a) return syntax(i, `expected ':' after the property name, found ${found(i)}`);
    i++;
    mode = EXPECT_VALUE;
  }
}

/** 1-based line and column (in UTF-16 code units) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
