// Text from a file, safe to print on a terminal. A rulebook's ids, names and texts, a message, a
// model's answer may hold control characters: ESC and the C1 controls (U+009B is CSI) start
// sequences that recolour, retitle or clear a terminal, or write to its clipboard; a carriage
// return or a line break can fake a line of output; bidirectional overrides reorder what is shown.
// They are shown as escapes (\u001b) instead.

// eslint-disable-next-line no-control-regex -- control characters are what is escaped
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- control characters are what is escaped
const UNSAFE_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves unescaped in strings but a terminal acts on. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escape = (c: string) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line: every control character escaped, line breaks too. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Several lines: control characters escaped, line breaks kept. */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_BUT_LINE_BREAKS, escape);
}

/** JSON text as JSON.stringify writes it, with the rest of those characters as \u escapes: the same JSON value. */
export function printableJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
