// Property tests of loading and verifying: a valid signed rulebook file, mutated, is either loaded
// with exactly the signed content or refused with a RulebookError. Never another exception, and
// never "valid" with content the signature does not cover.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RulebookArtifact } from '../domain.js';
import { propertyOptions } from '../testing/property.js';
import { sha256Hex } from './canonical.js';
import { createRulebook, serializeRulebook } from './create.js';
import { RulebookError } from './errors.js';
import { parseRulebook } from './load.js';
import { signRulebook } from './sign.js';
import { samplePrecedents, sampleRules, sampleSchema, SAMPLE_TIME } from './test-fixtures.js';
import { watchRulebook, type RulebookWatcher } from './watch.js';

// A fixed Ed25519 key (PKCS#8 DER of a seed), so the signed file, and so every case, is the same in every run.
const PKCS8_ED25519_PREFIX = '302e020100300506032b657004220420';
const privateKey = createPrivateKey({ key: Buffer.from(PKCS8_ED25519_PREFIX + sha256Hex('casebook load properties'), 'hex'), format: 'der', type: 'pkcs8' });
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();

const precedents = samplePrecedents(3);
precedents[2]!.message.text = 'Zoë écrit: 漢字 😀 "quoted" \\ back\tslash\nnew line';
const original = signRulebook(
  createRulebook({ id: 'support-triage', name: 'Support triage', schema: sampleSchema(), instructions: 'Extract the fields.', rules: sampleRules(), precedents, createdAt: SAMPLE_TIME }),
  privateKeyPem,
);
const originalText = serializeRulebook(original);

/** Deep equality of parsed JSON: same own keys (a `__proto__` key included) and values; 0 and -0 are one number in JSON. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type Outcome = 'loaded unchanged' | 'refused';

/** Loads with the trusted key: the content must be the signed content, or the file refused. Anything else throws. */
function outcome(text: string): Outcome {
  let rb: RulebookArtifact;
  try {
    rb = parseRulebook(text, { source: 'rb.json', publicKeys: [publicKeyPem] });
  } catch (err) {
    if (err instanceof RulebookError) return 'refused';
    throw new Error(`not a RulebookError: ${String(err)}`, { cause: err });
  }
  if (!sameJson(rb, original)) throw new Error('loaded as valid, with content that differs from the signed content');
  return 'loaded unchanged';
}

// ---------------------------------------------------------------------------------------------
// The file as a tree that can hold what JSON.parse cannot give back: duplicate keys, keys in any
// order, numbers and nesting written any way.

type Node = { object: [string, Node][] } | { array: Node[] } | { raw: string };

function toNode(value: unknown): Node {
  if (Array.isArray(value)) return { array: value.map(toNode) };
  if (value !== null && typeof value === 'object') return { object: Object.entries(value).map(([k, v]) => [k, toNode(v)]) };
  return { raw: JSON.stringify(value) };
}

function render(node: Node, ws: () => string): string {
  if ('raw' in node) return node.raw;
  if ('array' in node) return `[${node.array.map((v) => `${ws()}${render(v, ws)}${ws()}`).join(',')}]`;
  return `{${node.object.map(([k, v]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${render(v, ws)}${ws()}`).join(',')}}`;
}

/** Every object of the tree, and every slot that holds a value (a parent and a key or index). */
function spots(root: Node): { objects: { object: [string, Node][] }[]; slots: { set: (n: Node) => void; get: () => Node }[] } {
  const objects: { object: [string, Node][] }[] = [];
  const slots: { set: (n: Node) => void; get: () => Node }[] = [];
  const walk = (node: Node) => {
    if ('object' in node) {
      objects.push(node);
      node.object.forEach((entry) => {
        slots.push({ get: () => entry[1], set: (n) => (entry[1] = n) });
        walk(entry[1]);
      });
    } else if ('array' in node) {
      node.array.forEach((v, i) => {
        slots.push({ get: () => node.array[i]!, set: (n) => (node.array[i] = n) });
        walk(v);
      });
    }
  };
  walk(root);
  return { objects, slots };
}

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', '__defineGetter__'];
const nested = (n: number, inner = '0') => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
/** Values written as text: huge, odd spellings of numbers, deep nesting. */
const rawValue = fc.oneof(
  fc.constantFrom('0', '-0', '0.0', '-0.0e5', '1e308', '1.7976931348623157e308', '1e309', '-1e400', '1e-400', '5e-324', '123456789012345678901234567890', `1${'0'.repeat(400)}`),
  fc.constantFrom('null', 'true', 'false', '""', '{}', '[]', '"high"', '"account"', '{"__proto__":{"issue_type":"billing"}}'),
  fc.constantFrom(100, 10_000, 1_000_000).map((n) => JSON.stringify('x'.repeat(n))),
  fc.constantFrom(10, 60, 63, 64, 65, 2_200, 100_000).map((n) => nested(n)),
  fc.constantFrom(10, 64, 100_000).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
);

type TreeEdit =
  | { kind: 'reorder'; at: number; order: number[] }
  | { kind: 'duplicate'; at: number; entry: number; value: 'same' | string; before: boolean }
  | { kind: 'add key'; at: number; key: string; value: string }
  | { kind: 'replace value'; at: number; value: string }
  | { kind: 'wrap value'; at: number; levels: number };

const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  fc.record({ kind: fc.constant('reorder' as const), at: fc.nat(), order: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), entry: fc.nat(), value: fc.oneof(fc.constant('same' as const), rawValue), before: fc.boolean() }),
  fc.record({ kind: fc.constant('add key' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 4 })), value: rawValue }),
  fc.record({ kind: fc.constant('replace value' as const), at: fc.nat(), value: rawValue }),
  fc.record({ kind: fc.constant('wrap value' as const), at: fc.nat(), levels: fc.constantFrom(1, 30, 64, 65, 1_000) }),
);

function applyTreeEdit(root: Node, edit: TreeEdit): void {
  const { objects, slots } = spots(root);
  switch (edit.kind) {
    case 'reorder': {
      const o = objects[edit.at % objects.length]!;
      const keyed = o.object.map((entry, i) => ({ entry, sortKey: edit.order[i % edit.order.length]! * 100 + i }));
      o.object = keyed.sort((x, y) => x.sortKey - y.sortKey).map((x) => x.entry);
      return;
    }
    case 'duplicate': {
      const o = objects[edit.at % objects.length]!;
      if (o.object.length === 0) return;
      const i = edit.entry % o.object.length;
      const [k, v] = o.object[i]!;
      o.object.splice(edit.before ? i : i + 1, 0, [k, edit.value === 'same' ? v : { raw: edit.value }]);
      return;
    }
    case 'add key':
      objects[edit.at % objects.length]!.object.push([edit.key, { raw: edit.value }]);
      return;
    case 'replace value':
      slots[edit.at % slots.length]!.set({ raw: edit.value });
      return;
    case 'wrap value': {
      const slot = slots[edit.at % slots.length]!;
      let n = slot.get();
      for (let k = 0; k < edit.levels; k++) n = { array: [n] };
      slot.set(n);
      return;
    }
  }
}

type TextEdit =
  | { kind: 'truncate'; at: number }
  | { kind: 'change a character'; at: number; to: string }
  | { kind: 'insert'; at: number; text: string };

const whitespace = fc.array(fc.constantFrom(' ', '\n', '\r', '\t'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('change a character' as const),
    at: fc.nat(),
    to: fc.oneof(fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '9', 'e', '-', 'A', '=', '+', '/', '\u0000', '\u00e9', '\ud800'), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(whitespace, fc.constantFrom('[', '{', nested(70, ''), '"', ',', '\\', '\ufeff'), rawValue) }),
);

function applyTextEdit(text: string, edit: TextEdit): string {
  const at = edit.at % (text.length + 1);
  switch (edit.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'change a character':
      return text.slice(0, at) + edit.to + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
  }
}

/** The original file, edited as a tree, written with random whitespace, then edited as text. (The tree is walked
 * recursively, so it is wrapped at most 1,000 levels deep; texts nest deeper.) */
const mutatedFile = fc
  .record({
    tree: fc.array(treeEdit, { maxLength: 2 }),
    indent: fc.option(fc.infiniteStream(fc.oneof(fc.constant(''), whitespace)), { nil: undefined }),
    text: fc.array(textEdit, { maxLength: 2 }),
  })
  .map(({ tree, indent, text }) => {
    let file = originalText;
    if (tree.length || indent) {
      const root = toNode(JSON.parse(originalText));
      for (const edit of tree) applyTreeEdit(root, edit);
      file = render(root, indent ? () => indent.next().value as string : () => '');
    }
    for (const edit of text) file = applyTextEdit(file, edit);
    return file;
  });

describe('parseRulebook on mutated signed files (property)', () => {
  it('loads the unchanged file, and the same content however it is written', () => {
    expect(outcome(originalText)).toBe('loaded unchanged');
    expect(outcome(JSON.stringify(original))).toBe('loaded unchanged');
    expect(outcome(`\ufeff${JSON.stringify(original, null, '\t')}\r\n`)).toBe('loaded unchanged');
  });

  it('either loads exactly the signed content or refuses with a RulebookError', () => {
    fc.assert(
      fc.property(mutatedFile, (text) => {
        outcome(text);
      }),
      propertyOptions(1500),
    );
  });

  it('loads whitespace and key order changes, and refuses duplicate and __proto__ keys', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), fc.infiniteStream(fc.oneof(fc.constant(''), whitespace)), (at, order, ws) => {
        const root = toNode(JSON.parse(originalText));
        applyTreeEdit(root, { kind: 'reorder', at, order });
        expect(outcome(render(root, () => ws.next().value as string))).toBe('loaded unchanged');
        applyTreeEdit(root, { kind: 'duplicate', at, entry: order[0]!, value: 'same', before: false });
        expect(outcome(render(root, () => ''))).toBe('refused');
      }),
      propertyOptions(200),
    );
    fc.assert(
      fc.property(fc.nat(), rawValue, (at, value) => {
        const root = toNode(JSON.parse(originalText));
        applyTreeEdit(root, { kind: 'add key', at, key: '__proto__', value });
        expect(() => parseRulebook(render(root, () => ''), { source: 'rb.json' })).toThrow(/__proto__|nested deeper|too large/);
      }),
      propertyOptions(200),
    );
  });
});

describe('signature spellings (property)', () => {
  // Base64 leaves bits unused in the last character and lets padding go: a decoder that accepts
  // those would verify a file whose signature field was changed.
  const value = original.signature!.value;
  const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
  const withSignature = (v: string) => originalText.replace(`"value": "${value}"`, `"value": "${v}"`);

  it('refuses any other spelling of the signature value', () => {
    expect(outcome(withSignature(value))).toBe('loaded unchanged');
    expect(outcome(withSignature(value.replace(/=+$/, '')))).toBe('refused');
    fc.assert(
      fc.property(fc.nat({ max: value.length }), fc.constantFrom(...BASE64), fc.boolean(), (at, c, insert) => {
        const changed = value.slice(0, at) + c + value.slice(insert ? at : at + 1);
        fc.pre(changed !== value);
        expect(outcome(withSignature(changed))).toBe('refused');
      }),
      propertyOptions(500),
    );
  });
});

describe('watchRulebook on mutated signed files (property)', () => {
  let dir: string;
  let file: string;
  let watcher: RulebookWatcher;
  const errors: Error[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casebook-watch-property-'));
    file = join(dir, 'rulebook.json');
    await writeFile(file, originalText);
    // No timers or events of its own in the way: each case calls refresh().
    watcher = watchRulebook(file, { publicKeys: [publicKeyPem], intervalMs: 3_600_000, debounceMs: 3_600_000, persistent: false, onError: (err) => errors.push(err) });
    await watcher.ready;
  });

  afterAll(async () => {
    watcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('only ever serves the signed content, and reports every refusal as a RulebookError', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFile, fc.nat(), async (text, cut) => {
        // Also cut the UTF-8 bytes anywhere, as a reader may see a file half written.
        const bytes = Buffer.from(text, 'utf8');
        for (const content of [text, bytes.subarray(0, cut % (bytes.length + 1))]) {
          await writeFile(file, content);
          await watcher.refresh();
          expect(sameJson(watcher.current(), original)).toBe(true);
        }
        for (const err of errors.splice(0)) expect(err).toBeInstanceOf(RulebookError);
      }),
      propertyOptions(150),
    );
  });
});
