// What the mock API keeps beside MockData for the triage-and-teach methods: rule and precedent records
// (with their deleted ones), runs, and a clock. Shared by mockTeach, mockRuns and mockImport.
import type { ApiEventName, ApiEvents, Extraction, ExtractionSchema, JsonValue, MessageRecord, Precedent, PrecedentRecord, RuleRecord, RunErrorItem, RunRecord } from './contract';
import type { MockData } from './mock';
import { normaliseText } from '../../../shared/src/pipeline/normalise.js';

export interface MockRun {
  record: RunRecord;
  /** Message ids still to extract, in order. */
  queue: string[];
  errors: RunErrorItem[];
  timer: ReturnType<typeof setTimeout> | null;
}

export interface MockContext {
  data: MockData;
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
  now(): string;
  nextId(prefix: string): string;
  author: string;
  rules: RuleRecord[];
  precedents: PrecedentRecord[];
  runs: MockRun[];
  /** Milliseconds per message in a mock run (0: as fast as timers go). */
  runStepMs: number;
  /** Messages whose extraction fails in a mock run (until removed). */
  failing: Set<string>;
  /** Puts the live rules and precedents back into data.rulebook. */
  sync(): void;
}

export function createMockContext(data: MockData, emit: MockContext['emit'], options: { runStepMs?: number; author?: string } = {}): MockContext {
  let counter = 0;
  const created = '2026-03-01T09:00:00.000Z';
  const ctx: MockContext = {
    data,
    emit,
    now: () => new Date().toISOString(),
    nextId: (prefix) => `${prefix}-${Date.now().toString(36)}-${++counter}`,
    author: options.author ?? 'you',
    rules: data.rulebook.rules.map((rule, position) => ({ rule, position, createdAt: rule.provenance.createdAt || created, updatedAt: rule.provenance.createdAt || created, deletedAt: null })),
    precedents: data.rulebook.precedents.map((p) => ({ ...p, messageId: null, deletedAt: null })),
    runs: [],
    runStepMs: options.runStepMs ?? 0,
    failing: new Set(),
    sync() {
      data.rulebook.rules = ctx.rules
        .filter((r) => r.deletedAt === null)
        .sort((a, b) => a.position - b.position)
        .map((r) => structuredClone(r.rule));
      data.rulebook.precedents = ctx.precedents.filter((p) => p.deletedAt === null).map(toPrecedent);
    },
  };
  return ctx;
}

function toPrecedent(p: PrecedentRecord): Precedent {
  const { messageId: _m, deletedAt: _d, ...rest } = p;
  return structuredClone(rest);
}

/** The text rules read, as the runtime builds it: normalised subject and body. */
export function messageRuleText(m: Pick<MessageRecord, 'text' | 'subject'>): string {
  const text = normaliseText(m.text);
  const subject = m.subject ? normaliseText(m.subject).replace(/\s+/g, ' ') : '';
  return subject ? `${subject}\n\n${text}` : text;
}

/** A small schema check (types, enum values, nullability, required fields), as the backend's validator reports it. */
export function validateOutput(output: Extraction, schema: ExtractionSchema): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  for (const f of schema.fields) {
    const v = output[f.name];
    const path = `/${f.name}`;
    if (v === undefined) {
      errors.push({ path, message: 'is required' });
      continue;
    }
    if (v === null) {
      if (!f.nullable) errors.push({ path, message: 'must not be null' });
      continue;
    }
    if (!typeOk(f.type, v)) errors.push({ path, message: `must be a ${f.type}` });
    else if (f.type === 'enum' && f.values && !f.values.some((e) => e.value === v)) {
      errors.push({ path, message: `must be one of ${f.values.map((e) => e.value).join(', ')}` });
    }
  }
  for (const key of Object.keys(output)) {
    if (!schema.fields.some((f) => f.name === key)) errors.push({ path: `/${key}`, message: 'is not a field of the schema' });
  }
  return errors;
}

function typeOk(type: string, v: JsonValue): boolean {
  switch (type) {
    case 'string':
    case 'enum':
      return typeof v === 'string';
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string_list':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    default:
      return true;
  }
}

export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
