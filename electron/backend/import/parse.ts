// A file in any supported format, parsed to rows and problems (nothing is written).
import { Buffer } from 'node:buffer';
import { TextDecoder } from 'node:util';
import type { ImportFormat, ImportMapping } from '../../../shared/src/api/index.js';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { parseCsv } from './csv.js';
import { detectFormat } from './detect.js';
import { parseEml } from './eml.js';
import { parseJsonl } from './jsonl.js';
import { parseMbox } from './mbox.js';
import { parseText } from './text.js';
import type { LabelFields, ParseOutput } from './types.js';

export interface ImportFile {
  name: string;
  /** The file's text, or its bytes as base64 when `encoding` is 'base64'. */
  content: string;
  encoding?: 'text' | 'base64' | undefined;
  format?: ImportFormat | undefined;
}

export function labelFields(schema: ExtractionSchema | undefined): LabelFields | undefined {
  return schema ? { fields: schema.fields.map((f) => ({ name: f.name, aliases: f.aliases ?? [] })) } : undefined;
}

/**
 * A text file's bytes as text: UTF-16 when a byte order mark says so (Excel's "Unicode text"),
 * else UTF-8, where bytes that are not UTF-8 become U+FFFD (and their rows bad rows), as the
 * window's File.text() would have read them.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/** How much of a file's start format detection reads. */
const SNIFF_BYTES = 64 * 1024;

export async function parseFile(file: ImportFile, mapping?: ImportMapping, schema?: ExtractionSchema): Promise<ParseOutput> {
  const bytes = file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : null;
  let text = bytes ? null : file.content;
  const readText = () => (text ??= decodeText(bytes!));
  const format = detectFormat(file.name, bytes ? decodeText(bytes.subarray(0, SNIFF_BYTES)) : file.content, file.format);
  const fields = labelFields(schema);
  switch (format) {
    case 'csv':
      return parseCsv(readText(), { mapping, schema: fields, name: file.name });
    case 'jsonl':
      return parseJsonl(readText(), { mapping, schema: fields });
    case 'eml':
      return parseEml(bytes ?? file.content);
    case 'mbox':
      return parseMbox(bytes ?? file.content);
    case 'text':
      return parseText(readText());
  }
}
