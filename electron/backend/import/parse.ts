// A file in any supported format, parsed to rows and problems (nothing is written).
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
  content: string;
  format?: ImportFormat | undefined;
}

export function labelFields(schema: ExtractionSchema | undefined): LabelFields | undefined {
  return schema ? { fields: schema.fields.map((f) => ({ name: f.name, aliases: f.aliases ?? [] })) } : undefined;
}

export async function parseFile(file: ImportFile, mapping?: ImportMapping, schema?: ExtractionSchema): Promise<ParseOutput> {
  const format = detectFormat(file.name, file.content, file.format);
  const fields = labelFields(schema);
  switch (format) {
    case 'csv':
      return parseCsv(file.content, { mapping, schema: fields, name: file.name });
    case 'jsonl':
      return parseJsonl(file.content, { mapping, schema: fields });
    case 'eml':
      return parseEml(file.content);
    case 'mbox':
      return parseMbox(file.content);
    case 'text':
      return parseText(file.content);
  }
}
