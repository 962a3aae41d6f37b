// How good the demo's first impression is: the demo workspace's stored answers (made at first start
// by the embedded provider, through the same createBackend path the app uses) compared with the
// labels kept in resources/demo/labels.jsonl, and what "Needs review" would show first. Used by
// demo-accuracy.bench.ts (prints) and demo-quality.test.ts (asserts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Extraction, ExtractionSchema, JsonValue } from '../../shared/src/domain.js';
import type { ApiHandlers, ExtractionRecord } from '../../shared/src/api/index.js';
import { reviewPriority, reasonText, type ReviewPriority } from './teach/review-priority.js';

export interface DemoLabel {
  id: string;
  output: Extraction;
}

/** The labels of the demo messages, by demo id (`demo-001` ...). */
export function loadDemoLabels(resourcesDir: string): Map<string, Extraction> {
  const text = readFileSync(join(resourcesDir, 'demo', 'labels.jsonl'), 'utf8');
  const out = new Map<string, Extraction>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as DemoLabel;
    out.set(row.id, row.output);
  }
  return out;
}

interface DemoMessageRow {
  id: string;
  subject?: string;
  text: string;
}

function loadDemoMessages(resourcesDir: string): DemoMessageRow[] {
  return readFileSync(join(resourcesDir, 'demo', 'messages.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as DemoMessageRow);
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const words = (s: string) => fold(s).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);

/** Words that say little about an action ("the", "a", "to" ...). */
const ACTION_STOP = new Set(['a', 'an', 'the', 'to', 'of', 'for', 'and', 'or', 'on', 'in', 'at', 'with', 'my', 'our', 'their', 'how', 'please', 'it', 'is', 'be']);

/**
 * Whether an answer for a field matches its label. Exact (canonical JSON) for every field but two:
 * - `name`: case and accents ignored, and a match when the first names agree ("Dan" = "Dan Ortiz");
 * - `requested_action`: null must meet null; otherwise a match when the two share a content word
 *   (after dropping articles and prepositions), e.g. "unlock account" = "unlock the account".
 */
export function fieldMatches(field: string, got: JsonValue | undefined, want: JsonValue | undefined): boolean {
  const g = got ?? null;
  const w = want ?? null;
  if (field === 'name' && typeof g === 'string' && typeof w === 'string') {
    const a = words(g);
    const b = words(w);
    return a.join(' ') === b.join(' ') || (a.length > 0 && a[0] === b[0]);
  }
  if (field === 'requested_action' && typeof g === 'string' && typeof w === 'string') {
    const b = new Set(words(w).filter((x) => !ACTION_STOP.has(x)));
    return words(g).some((x) => !ACTION_STOP.has(x) && b.has(x));
  }
  return JSON.stringify(g) === JSON.stringify(w);
}

export interface DemoItem {
  demoId: string;
  messageId: string;
  label: Extraction;
  extraction: ExtractionRecord;
  priority: ReviewPriority;
}

export interface DemoQuality {
  fields: string[];
  items: DemoItem[];
  /** Share right per field (0..1). */
  accuracy: Record<string, number>;
  /** The items in the app's review queue, least confident first. */
  queue: DemoItem[];
  /** How many of the first 10 in the queue have issue_type or urgency wrong. */
  firstTenWrong: number;
}

/** Wrong on a field a person triages by: issue_type or urgency. */
export const triageWrong = (item: Pick<DemoItem, 'label' | 'extraction'>) =>
  !fieldMatches('issue_type', item.extraction.output.issue_type, item.label.issue_type) || !fieldMatches('urgency', item.extraction.output.urgency, item.label.urgency);

/**
 * Reads a demo workspace through its handlers (listMessages, getMessage, getRulebook) and scores it.
 * The queue is the app's own review queue (listMessages with `queue`: least confident first, by the
 * confidence stored with each extraction); `priority` is review-priority's score, for the report.
 */
export async function measureDemo(handlers: Pick<ApiHandlers, 'listMessages' | 'getMessage' | 'getRulebook'>, resourcesDir: string): Promise<DemoQuality> {
  const labels = loadDemoLabels(resourcesDir);
  const demo = loadDemoMessages(resourcesDir);
  const byText = new Map(demo.map((m) => [`${m.subject ?? ''}\u0000${m.text}`, m.id]));
  const rulebook = await handlers.getRulebook({});
  const schema: ExtractionSchema = rulebook.schema;
  const outputs = new Map(rulebook.precedents.map((p) => [p.id, p.output]));
  const page = await handlers.listMessages({ limit: 500 });
  const items: DemoItem[] = [];
  for (const summary of page.items) {
    const detail = await handlers.getMessage({ id: summary.id });
    const demoId = byText.get(`${detail.message.subject ?? ''}\u0000${detail.message.text}`);
    const label = demoId ? labels.get(demoId) : undefined;
    if (!demoId || !label || !detail.extraction) continue;
    const extraction = detail.extraction;
    const priority = reviewPriority({ ...extraction, errors: extraction.errors }, { schema, precedentOutput: (id) => outputs.get(id) });
    items.push({ demoId, messageId: summary.id, label, extraction, priority });
  }
  items.sort((a, b) => a.demoId.localeCompare(b.demoId));
  const fields = schema.fields.map((f) => f.name);
  const accuracy: Record<string, number> = {};
  for (const f of fields) accuracy[f] = items.filter((i) => fieldMatches(f, i.extraction.output[f], i.label[f])).length / Math.max(1, items.length);
  // The queue as the app lists it: the review queue, least confident first (stored confidences).
  const byMessage = new Map(items.map((i) => [i.messageId, i]));
  const queue = (await handlers.listMessages({ queue: true, limit: 500 })).items.map((m) => byMessage.get(m.id)).filter((i): i is DemoItem => i !== undefined);
  const firstTenWrong = queue.slice(0, 10).filter(triageWrong).length;
  return { fields, items, accuracy, queue, firstTenWrong };
}

/** A printable table of a measurement. */
export function formatDemoQuality(q: DemoQuality): string {
  const lines: string[] = [];
  lines.push(`${'field'.padEnd(18)}  ${'right'.padStart(7)}`);
  for (const f of q.fields) lines.push(`${f.padEnd(18)}  ${`${(q.accuracy[f]! * 100).toFixed(1)}%`.padStart(7)}`);
  const wrong = q.items.filter(triageWrong).length;
  lines.push(`messages: ${q.items.length}; issue_type or urgency wrong: ${wrong}`);
  lines.push(`needs review: ${q.queue.length} of ${q.items.length}; first 10 of Needs review: ${q.firstTenWrong} wrong (issue_type or urgency)`);
  for (const item of q.queue.slice(0, 10)) {
    const o = item.extraction.output;
    const why = item.priority.reasons.map((r) => reasonText(r).text).join('; ');
    lines.push(`  ${item.demoId} ${triageWrong(item) ? 'WRONG' : 'right'} score ${item.priority.score.toFixed(3)} ${String(o.issue_type)}/${String(o.urgency)} (label ${String(item.label.issue_type)}/${String(item.label.urgency)}): ${why}`);
  }
  return lines.join('\n');
}
