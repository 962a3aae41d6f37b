// What every import parser produces: rows ready to become messages, and the problems found, each
// with the 1-based line (or record) number where it starts in the file.
import type { ImportFormat, ImportMapping, ImportProblem } from '../../../shared/src/api/index.js';
import type { JsonValue } from '../../../shared/src/domain.js';

/** One good row of a file, as it will be imported. */
export interface ImportRow {
  /** 1-based line (or record) number where the row starts. */
  line: number;
  text: string;
  subject?: string;
  sender?: string;
  /** ISO 8601 (already checked to parse). */
  receivedAt?: string;
  externalId?: string;
  context?: string[];
  /** Values of schema fields the row carries (labelled history): field (as mapped) -> value. */
  labels?: Record<string, JsonValue>;
  /** Other columns or keys of the row, kept with the message. */
  meta?: Record<string, JsonValue>;
  /**
   * Why the row's labels cannot make a precedent, found before the import (a labelled history's
   * cell that does not convert to its field's type): the row is imported as a message only.
   */
  labelProblem?: string;
}

export interface ParseOutput {
  format: ImportFormat;
  /** CSV: the header's columns; JSONL: the keys seen; mail and text: the fields they give. */
  columns: string[];
  suggestedMapping: ImportMapping;
  rows: ImportRow[];
  /** Bad rows (not imported) and notes on imported rows, in line order. */
  problems: ImportProblem[];
  /** Records found in the file: good rows and bad rows (blank lines and a header are not records). */
  records: number;
  /**
   * A problem with the whole file (no text column, nothing to import): the import is refused,
   * while a preview still shows the columns so the mapping can be fixed.
   */
  fatal?: string;
  /** Where the fatal problem lies: the mapping the caller gave, or (by default) the file itself. */
  fatalAt?: 'mapping';
}

/** What the parsers need to know of the workspace: the schema's field names and their aliases. */
export interface LabelFields {
  /** Field name -> the other keys that mean it. */
  fields: { name: string; aliases: string[] }[];
}
