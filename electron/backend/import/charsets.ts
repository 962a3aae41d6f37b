// Mail in legacy charsets. postal-mime decodes each part by its declared charset when it is given
// the message's bytes, but it reads raw header lines as UTF-8, and a part that declares no charset
// as UTF-8 too, while old mailers wrote 8-bit headers and bodies in the sender's local charset.
// `redeclareCharsets` adjusts such a message's bytes before a second parse; it is only used when the
// first parse found undecodable bytes, so well-formed mail is never rewritten.
import { Buffer, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** Where nothing better is known: what mail clients assume for undeclared 8-bit text. */
export const FALLBACK_CHARSET = 'windows-1252';

// Node 20's TextDecoder decodes windows-1252 (and its labels iso-8859-1, us-ascii, latin1) as
// Latin-1, so bytes 0x80-0x9F come out as C1 control characters instead of € ‚ ƒ „ … “ ” – — ™.
// Those controls never occur in real text: they are read as the windows-1252 characters they were.
const WINDOWS_1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** C1 control characters (U+0080-U+009F) as the windows-1252 characters of the same bytes. */
export function fixWindows1252(text: string): string {
  return /[\u0080-\u009F]/.test(text) ? text.replace(/[\u0080-\u009F]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!) : text;
}

/** A decoder for a legacy (not UTF-8 or UTF-16) charset label, or null when there is none. */
function legacyDecoder(label: string | undefined): TextDecoder | null {
  if (!label) return null;
  try {
    const decoder = new TextDecoder(label.trim());
    return /^utf-/.test(decoder.encoding) ? null : decoder;
  } catch {
    return null;
  }
}

const decodeLegacy = (bytes: Uint8Array, decoder: TextDecoder) => fixWindows1252(decoder.decode(bytes));

interface Line {
  start: number;
  /** End of the content, before CR LF or LF. */
  end: number;
  /** Start of the next line. */
  next: number;
}

interface Part {
  lines: Line[];
  /** Content-Type as written (unfolded), and the lines it spans, when the part has one. */
  contentType?: { value: string; first: number; last: number };
  type: string;
  charset?: string;
  boundary?: string;
  encoding: string;
  attachment: boolean;
  /** Where the empty line that ends the header starts: a Content-Type is added here when it has none. */
  blank: number;
  body?: { start: number; end: number };
}

const param = (value: string, name: string): string | undefined => {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
};

/** The part a header block describes. */
function describe(b: Buffer, lines: Line[], blank: number, inDigest: boolean): Part {
  const part: Part = { lines, type: inDigest ? 'message/rfc822' : 'text/plain', encoding: '', attachment: false, blank };
  // Unfold: a line starting with a space or tab continues the one before.
  const fields: { name: string; value: string; first: number; last: number }[] = [];
  lines.forEach((l, i) => {
    const text = b.toString('latin1', l.start, l.end);
    const last = fields.at(-1);
    if (/^[ \t]/.test(text) && last) {
      last.value += ` ${text.trim()}`;
      last.last = i;
      return;
    }
    const colon = text.indexOf(':');
    if (colon > 0) fields.push({ name: text.slice(0, colon).trim().toLowerCase(), value: text.slice(colon + 1).trim(), first: i, last: i });
  });
  for (const f of fields) {
    if (f.name === 'content-type' && !part.contentType) {
      part.contentType = { value: f.value, first: f.first, last: f.last };
      part.type = f.value.split(';')[0]!.trim().toLowerCase() || part.type;
      part.charset = param(f.value, 'charset');
      part.boundary = param(f.value, 'boundary');
    } else if (f.name === 'content-transfer-encoding' && !part.encoding) part.encoding = f.value.toLowerCase();
    else if (f.name === 'content-disposition') part.attachment ||= /^attachment\b/i.test(f.value);
  }
  return part;
}

/** The parts of a message: each header block, and the body of each leaf. */
function walk(b: Buffer): Part[] {
  const parts: Part[] = [];
  const boundaries: { delimiter: Buffer; digest: boolean }[] = [];
  let header: Line[] | null = [];
  let inDigest = false;
  let leaf: Part | null = null;
  const endLeaf = (at: number) => {
    if (leaf?.body) leaf.body.end = Math.max(leaf.body.start, at);
    leaf = null;
  };
  const endHeader = (blank: number, next: number) => {
    const part = describe(b, header!, blank, inDigest);
    parts.push(part);
    header = null;
    // A multipart's body is its preamble, then parts; an inline message's body is a message.
    if (part.type.startsWith('multipart/') && part.boundary && boundaries.length < 256) {
      boundaries.push({ delimiter: Buffer.from(`--${part.boundary}`, 'latin1'), digest: part.type === 'multipart/digest' });
    } else if (part.type === 'message/rfc822' && !/base64|quoted-printable/.test(part.encoding)) {
      header = [];
      inDigest = false;
    } else {
      leaf = part;
      part.body = { start: next, end: b.length };
    }
  };

  for (let start = 0; start < b.length; ) {
    const lf = b.indexOf(0x0a, start);
    const next = lf === -1 ? b.length : lf + 1;
    const end = lf === -1 ? b.length : lf > start && b[lf - 1] === 0x0d ? lf - 1 : lf;
    const line: Line = { start, end, next };
    start = next;
    if (header) {
      if (end === line.start) endHeader(line.start, next);
      else header.push(line);
      continue;
    }
    if (end - line.start < 2 || b[line.start] !== 0x2d || b[line.start + 1] !== 0x2d) continue;
    // A delimiter line: of the innermost multipart, or of an outer one (which ends the inner ones).
    for (let i = boundaries.length - 1; i >= 0; i -= 1) {
      const { delimiter, digest } = boundaries[i]!;
      if (end - line.start < delimiter.length || b.compare(delimiter, 0, delimiter.length, line.start, line.start + delimiter.length) !== 0) continue;
      const rest = b.toString('latin1', line.start + delimiter.length, end);
      const closing = rest.startsWith('--');
      if ((closing ? rest.slice(2) : rest).trim() !== '') continue;
      endLeaf(line.start);
      boundaries.length = closing ? i : i + 1;
      if (!closing) {
        header = [];
        inDigest = digest;
      }
      break;
    }
  }
  if (header) endHeader(b.length, b.length);
  endLeaf(b.length);
  return parts;
}

function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

function bodyBytes(b: Buffer, part: Part): Buffer {
  const raw = b.subarray(part.body!.start, part.body!.end);
  if (part.encoding.includes('base64')) return Buffer.from(raw.toString('latin1'), 'base64');
  if (part.encoding.includes('quoted-printable')) return decodeQuotedPrintable(raw);
  return raw;
}

interface Edit {
  start: number;
  end: number;
  bytes: Buffer;
}

export interface Redeclared {
  /**
   * The message's bytes with (1) header lines that are not UTF-8 transcoded to UTF-8 from the
   * part's charset, else the charset the message declares elsewhere, else windows-1252; and (2)
   * each text part that declares no charset, or UTF-8, but whose bytes are not UTF-8, declared in
   * that charset. Null when nothing needed a change.
   */
  bytes: Buffer | null;
  /** A text part holds bytes its declared charset cannot decode (a broken Shift_JIS sequence). */
  undecodable: boolean;
}

/** Whether `body` decodes in the legacy charset without a replacement. */
function decodes(body: Buffer, decoder: TextDecoder): boolean {
  try {
    new TextDecoder(decoder.encoding, { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

export function redeclareCharsets(input: Uint8Array): Redeclared {
  const b = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const parts = walk(b);
  const declared = parts.map((p) => legacyDecoder(p.charset)).find((d) => d !== null);
  const fallback = declared ?? new TextDecoder(FALLBACK_CHARSET);
  const edits: Edit[] = [];
  let undecodable = false;

  for (const part of parts) {
    const declaredHere = legacyDecoder(part.charset);
    const own = declaredHere ?? fallback;
    const eol = b[part.blank] === 0x0d ? '\r\n' : '\n';
    let retyped: [number, number] | null = null;
    if (part.body && part.type.startsWith('text/') && !part.attachment) {
      const body = bodyBytes(b, part);
      if (declaredHere) undecodable ||= !decodes(body, declaredHere);
      else if (!isUtf8(body)) {
        const value = part.contentType ? part.contentType.value.replace(/;\s*charset\s*=\s*(?:"[^"]*"|[^;\s]+)/gi, '') : part.type;
        const header = Buffer.from(`Content-Type: ${value}; charset=${fallback.encoding}${eol}`, 'latin1');
        if (part.contentType) {
          const first = part.lines[part.contentType.first]!;
          const last = part.lines[part.contentType.last]!;
          edits.push({ start: first.start, end: last.next, bytes: header });
          retyped = [part.contentType.first, part.contentType.last];
        } else {
          edits.push({ start: part.blank, end: part.blank, bytes: header });
        }
      }
    }
    part.lines.forEach((l, i) => {
      if (retyped && i >= retyped[0] && i <= retyped[1]) return;
      const line = b.subarray(l.start, l.end);
      if (!isUtf8(line)) edits.push({ start: l.start, end: l.end, bytes: Buffer.from(decodeLegacy(line, own), 'utf8') });
    });
  }
  if (!edits.length) return { bytes: null, undecodable };
  edits.sort((x, y) => x.start - y.start);
  const out: Buffer[] = [];
  let at = 0;
  for (const e of edits) {
    out.push(b.subarray(at, e.start), e.bytes);
    at = e.end;
  }
  out.push(b.subarray(at));
  return { bytes: Buffer.concat(out), undecodable };
}
