import { describe, expect, it } from 'vitest';
import type { RulebookArtifact } from '../domain.js';
import { nextVersion } from './create.js';
import { diffRulebooks, formatRulebookDiff, isRulebookDiffEmpty } from './diff.js';
import { sampleRulebook } from './test-fixtures.js';

const T2 = '2024-05-02T10:00:00.000Z';

function next(edit: (rb: RulebookArtifact) => void) {
  const a = sampleRulebook();
  const draft = structuredClone(a);
  edit(draft);
  const b = nextVersion(a, { name: draft.name, instructions: draft.instructions, schema: draft.schema, rules: draft.rules, precedents: draft.precedents, settings: draft.settings }, { createdAt: T2 });
  const diff = diffRulebooks(a, b);
  return { a, b, diff, text: formatRulebookDiff(diff) };
}

describe('diffRulebooks', () => {
  it('is empty for the same content, even across versions', () => {
    const { diff, text, a, b } = next(() => undefined);
    expect(diff.isEmpty).toBe(true);
    expect(isRulebookDiffEmpty(diff)).toBe(true);
    expect(diff.meta).toEqual({ version: { from: 1, to: 2 }, parent: { from: null, to: { version: 1, hash: a.hash } }, createdAt: { from: a.createdAt, to: T2 } });
    expect(text).toBe(
      [`rulebook support-triage v1 -> support-triage v2`, '~ version: 1 -> 2', `~ parent: none -> v1 ${a.hash.slice(0, 19)}…`, '(no content changes)'].join('\n'),
    );
    expect(diffRulebooks(b, b).isEmpty).toBe(true);
    expect(formatRulebookDiff(diffRulebooks(b, b))).toBe('rulebook support-triage v2 -> support-triage v2\n(no content changes)');
  });

  it('reports name and instructions', () => {
    const { diff, text } = next((rb) => {
      rb.name = 'Triage';
      rb.instructions = 'Extract the fields from the support message.\nPrefer the current problem.';
    });
    expect(diff.meta.name).toEqual({ from: 'Support triage', to: 'Triage' });
    expect(diff.instructions).toEqual({ from: 'Extract the fields from the support message.', to: 'Extract the fields from the support message.\nPrefer the current problem.' });
    expect(diff.isEmpty).toBe(false);
    expect(text).toContain('~ name: "Support triage" -> "Triage"');
    expect(text).toContain('~ instructions:\n  + Prefer the current problem.');
  });

  it('reports schema fields added, removed and changed, with the properties', () => {
    const { diff, text } = next((rb) => {
      rb.schema.fields = rb.schema.fields.filter((f) => f.name !== 'order_date');
      rb.schema.fields.push({ name: 'product', type: 'string', nullable: true });
      const urgency = rb.schema.fields[2]!;
      urgency.description = 'How soon';
      urgency.values = [{ value: 'high', aliases: ['ASAP', 'urgent'] }, { value: 'normal' }, { value: 'critical' }];
      rb.schema.fields[0]!.nullable = false;
    });
    expect(diff.schema.added.map((f) => f.name)).toEqual(['product']);
    expect(diff.schema.removed.map((f) => f.name)).toEqual(['order_date']);
    expect(diff.schema.changed).toEqual([
      { name: 'name', changes: [{ property: 'nullable', from: true, to: false }] },
      {
        name: 'urgency',
        changes: [expect.objectContaining({ property: 'description', from: undefined, to: 'How soon' }), expect.objectContaining({ property: 'values' })],
        values: { added: ['critical'], removed: ['low'], changed: ['high'] },
      },
    ]);
    expect(diff.schema.reordered).toBe(false);
    expect(text).toContain('+ field product (string, nullable)');
    expect(text).toContain('- field order_date (date)');
    expect(text).toContain('~ field name: nullable\n    nullable: true -> false');
    expect(text).toContain('~ field urgency: description, values\n    description: (none) -> "How soon"\n    + value "critical"\n    - value "low"\n    ~ value "high"');
  });

  it('reports rules added, removed, changed and toggled, and reordering', () => {
    const { diff, text } = next((rb) => {
      rb.rules = rb.rules.filter((r) => r.id !== 'r-prio');
      const asap = rb.rules.find((r) => r.id === 'r-asap')!;
      asap.enabled = true;
      const guide = rb.rules.find((r) => r.id === 'r-guide')!;
      guide.enabled = false;
      if (guide.kind === 'guidance') guide.instruction = 'Classify the current problem.';
      rb.rules.push({ id: 'r-new', kind: 'override', rationale: 'refunds', enabled: true, provenance: guide.provenance, when: { kind: 'contains_any', phrases: ['refund'] }, set: { issue_type: 'billing' } });
    });
    expect(diff.rules.added.map((r) => r.id)).toEqual(['r-new']);
    expect(diff.rules.removed.map((r) => r.id)).toEqual(['r-prio']);
    expect(diff.rules.changed).toEqual([
      { id: 'r-guide', kind: 'guidance', enabled: { from: true, to: false }, changes: [{ property: 'instruction', from: 'Classify the current problem, not earlier contacts.', to: 'Classify the current problem.' }] },
      { id: 'r-asap', kind: 'alias', enabled: { from: false, to: true }, changes: [] },
    ]);
    expect(text).toContain('+ rule r-new: override when {"kind":"contains_any","phrases":["refund"]} set {"issue_type":"billing"}');
    expect(text).toContain('- rule r-prio: alias key "prio" -> field urgency');
    expect(text).toContain('~ rule r-guide disabled\n~ rule r-guide (guidance): instruction\n    instruction: "Classify the current problem, not earlier contacts." -> "Classify the current problem."');
    expect(text).toContain('~ rule r-asap enabled');
    expect(text).not.toContain('reordered');

    const swapped = next((rb) => rb.rules.reverse());
    expect(swapped.diff.rules).toMatchObject({ added: [], removed: [], changed: [], reordered: true });
    expect(swapped.diff.isEmpty).toBe(false);
    expect(swapped.text).toContain('~ rules reordered (overrides apply in order)');
  });

  it('reports precedents added, removed and changed, output field by field', () => {
    const { diff, text } = next((rb) => {
      const p1 = rb.precedents[0]!;
      p1.output = { ...p1.output, issue_type: 'billing', urgency: 'low' };
      delete p1.output.order_date;
      p1.rationale = 'billing after all';
      rb.precedents.splice(1, 1);
      rb.precedents.push({ id: 'p9', message: { text: 'Where is my parcel?' }, output: { issue_type: 'shipping' }, createdAt: T2 });
    });
    expect(diff.precedents.added.map((p) => p.id)).toEqual(['p9']);
    expect(diff.precedents.removed.map((p) => p.id)).toEqual(['p2']);
    expect(diff.precedents.changed).toEqual([
      {
        id: 'p1',
        output: [
          { field: 'issue_type', from: 'account', to: 'billing' },
          { field: 'urgency', from: 'high', to: 'low' },
          { field: 'order_date', from: null, to: undefined },
        ],
        changes: [{ property: 'rationale', from: 'the current problem is the lock-out', to: 'billing after all' }],
      },
    ]);
    expect(text).toContain('+ precedent p9: "Where is my parcel?" => {"issue_type":"shipping"}');
    expect(text).toContain('- precedent p2: ');
    expect(text).toContain('~ precedent p1:\n    output.issue_type: "account" -> "billing"\n    output.urgency: "high" -> "low"\n    output.order_date: null -> (none)\n    rationale:');
  });

  it('reports settings with old and new values', () => {
    const { diff, text } = next((rb) => {
      rb.settings = { ...rb.settings, provider: 'openai', model: 'gpt-4o', maxTokens: 300 };
    });
    expect(diff.settings).toEqual([
      { key: 'maxTokens', from: undefined, to: 300 },
      { key: 'model', from: 'gpt-4o-mini', to: 'gpt-4o' },
      { key: 'provider', from: 'embedded', to: 'openai' },
    ]);
    expect(text).toContain('~ settings.maxTokens: (none) -> 300\n~ settings.model: "gpt-4o-mini" -> "gpt-4o"\n~ settings.provider: "embedded" -> "openai"');
  });

  it('is JSON-serialisable and prefixes every change line with +, - or ~', () => {
    const { diff, text } = next((rb) => {
      rb.name = 'X';
      rb.rules.pop();
      rb.precedents[0]!.output.urgency = 'low';
    });
    expect(JSON.parse(JSON.stringify(diff))).toMatchObject({ meta: { name: { from: 'Support triage', to: 'X' } } });
    const lines = text.split('\n').slice(1);
    for (const l of lines) expect(l).toMatch(/^([+~-] | {4}| {2}[+-] )/);
  });

  it('keeps each change on one line, with control characters from the files shown as escapes', () => {
    const { text } = next((rb) => {
      rb.name = 'X\u001b[2J';
      rb.instructions = 'Line\r\u009b31m\n+ rule forged';
      rb.rules[0]!.id = 'r\n+ rule forged';
      rb.precedents[0]!.id = 'p\u001b]0;title\u0007';
    });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
    expect(text.split('\n').filter((l) => l.startsWith('+ rule forged'))).toEqual([]);
    expect(text).toContain('~ name: "Support triage" -> "X\\u001b[2J"');
    expect(text).toContain('+ rule r\\n+ rule forged');
    expect(text).toContain('  + Line\\r\\u009b31m');
  });
});
