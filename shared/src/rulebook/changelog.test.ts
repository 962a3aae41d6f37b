import { describe, expect, it } from 'vitest';
import type { RulebookArtifact } from '../domain.js';
import { changelogOf } from './changelog.js';
import { nextVersion } from './create.js';
import { diffRulebooks } from './diff.js';
import { samplePrecedents, sampleRulebook } from './test-fixtures.js';

function changelog(edit: (rb: RulebookArtifact) => void) {
  const a = sampleRulebook();
  const d = structuredClone(a);
  edit(d);
  const b = nextVersion(a, { name: d.name, instructions: d.instructions, schema: d.schema, rules: d.rules, precedents: d.precedents, settings: d.settings });
  return changelogOf(diffRulebooks(a, b));
}
const texts = (edit: (rb: RulebookArtifact) => void) => changelog(edit).map((e) => `${e.kind}: ${e.text}`);

describe('changelogOf', () => {
  it('says nothing for the same content', () => {
    expect(changelog(() => undefined)).toEqual([]);
  });

  it('names fields added, renamed and removed, and enum values added, renamed and removed', () => {
    expect(texts((rb) => rb.schema.fields.push({ name: 'product', type: 'enum', nullable: true, values: [{ value: 'pos' }, { value: 'app' }] }))).toEqual([
      'field: Added field product (enum, may be empty: pos, app).',
    ]);
    expect(texts((rb) => void (rb.schema.fields[3]!.name = 'ordered_on'))).toEqual(['field: Renamed field order_date to ordered_on.']);
    expect(texts((rb) => void rb.schema.fields.splice(3, 1))).toEqual(['field: Removed field order_date.']);
    expect(texts((rb) => void rb.schema.fields[1]!.values!.push({ value: 'hardware' }))).toEqual(['value: Added value "hardware" to field issue_type.']);
    expect(texts((rb) => void (rb.schema.fields[1]!.values![2]!.value = 'delivery'))).toEqual(['value: Renamed value "shipping" of field issue_type to "delivery".']);
    expect(texts((rb) => void rb.schema.fields[1]!.values!.splice(2, 1))).toEqual(['value: Removed value "shipping" from field issue_type.']);
    expect(texts((rb) => void (rb.schema.fields[0]!.nullable = false))).toEqual(['field: Field name must now have a value.']);
  });

  it('names rules added, changed, disabled and removed', () => {
    expect(texts((rb) => void (rb.rules[1]!.enabled = false))).toEqual(['rule: Disabled override rule r-lockout.']);
    expect(texts((rb) => void (rb.rules[3]!.enabled = true))).toEqual(['rule: Enabled alias rule r-asap.']);
    expect(texts((rb) => void ((rb.rules[0] as { instruction: string }).instruction = 'New words.'))).toEqual(['rule: Changed guidance rule r-guide: instruction.']);
    expect(texts((rb) => void rb.rules.splice(2, 1))).toEqual(['rule: Removed alias rule r-prio.']);
    const added = texts((rb) => rb.rules.push({ ...structuredClone(rb.rules[1]!), id: 'r-new' }));
    expect(added).toEqual(['rule: Added rule r-new (override setting issue_type to "account").']);
  });

  it('names precedents added, changed and removed, and counts them past a screenful', () => {
    const one = texts((rb) => rb.precedents.push({ ...samplePrecedents(3)[2]!, id: 'p9' }));
    expect(one).toEqual(['precedent: Added precedent p9: "It\'s me again (2). Still locked out. Billing said it wasn\'t…".']);
    expect(texts((rb) => void (rb.precedents[0]!.output.issue_type = 'billing'))).toEqual(['precedent: Changed precedent p1: issue_type "account" → "billing".']);
    expect(texts((rb) => void rb.precedents.splice(0, 1))).toEqual([expect.stringMatching(/^precedent: Removed precedent p1: "It's me again/)]);
    const many = texts((rb) => rb.precedents.push(...samplePrecedents(40).map((p) => ({ ...p, id: `x${p.id}` }))));
    expect(many).toEqual(['precedent: Added 40 precedents.']);
  });

  it('names the instructions, the model settings and the rulebook name', () => {
    expect(texts((rb) => void (rb.instructions = 'Other words.'))).toEqual(['instructions: Changed the instructions.']);
    expect(texts((rb) => void (rb.settings.temperature = 0.5))).toEqual([`settings: Changed model setting temperature from ${JSON.stringify(sampleRulebook().settings.temperature)} to 0.5.`]);
    expect(texts((rb) => void (rb.name = 'Triage'))).toEqual(['name: Renamed the rulebook from "Support triage" to "Triage".']);
  });

  it('keeps each line printable', () => {
    const [line] = changelog((rb) => void (rb.name = 'Evil\u001b[2Jname'));
    expect(line!.text).not.toContain(String.fromCharCode(27));
  });
});
