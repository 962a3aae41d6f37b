// A small, valid rulebook for tests (this folder's and other modules').
import type { ExtractionSchema, Precedent, Rule, RulebookArtifact } from '../domain.js';
import { createRulebook } from './create.js';

export const SAMPLE_TIME = '2024-05-01T10:00:00.000Z';

export const sampleSchema = (): ExtractionSchema => ({
  fields: [
    { name: 'name', type: 'string', nullable: true, description: 'The customer name' },
    {
      name: 'issue_type',
      type: 'enum',
      nullable: false,
      values: [{ value: 'account' }, { value: 'billing' }, { value: 'shipping' }],
    },
    {
      name: 'urgency',
      type: 'enum',
      nullable: false,
      aliases: ['priority'],
      values: [{ value: 'high', aliases: ['ASAP'] }, { value: 'normal' }, { value: 'low' }],
    },
    { name: 'order_date', type: 'date', nullable: true },
  ],
});

const provenance = { precedentIds: ['p1'], author: 'ana', createdAt: SAMPLE_TIME };

export const sampleRules = (): Rule[] => [
  { id: 'r-guide', kind: 'guidance', rationale: 'the current problem wins', enabled: true, provenance, fields: ['issue_type'], instruction: 'Classify the current problem, not earlier contacts.' },
  {
    id: 'r-lockout',
    kind: 'override',
    rationale: 'lock-outs are account issues',
    enabled: true,
    provenance,
    when: { kind: 'all', conditions: [{ kind: 'contains_any', phrases: ['locked out', 'cannot log in'] }, { kind: 'regex', pattern: '\\bagain\\b', flags: 'i' }] },
    set: { issue_type: 'account' },
  },
  { id: 'r-prio', kind: 'alias', target: 'key', rationale: 'priority means urgency', enabled: true, provenance, field: 'urgency', from: 'prio' },
  { id: 'r-asap', kind: 'alias', target: 'value', rationale: 'urgent means high', enabled: false, provenance, field: 'urgency', from: 'urgent', to: 'high' },
];

export const samplePrecedents = (n = 2): Precedent[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `p${i + 1}`,
    message: { text: `It's me again (${i}). Still locked out. Billing said it wasn't them.`, subject: 'Locked out' },
    output: { name: null, issue_type: 'account', urgency: 'high', order_date: null },
    rationale: 'the current problem is the lock-out',
    tags: ['lockout'],
    author: 'ana',
    createdAt: SAMPLE_TIME,
  }));

export function sampleRulebook(opts: { precedents?: number; id?: string } = {}): RulebookArtifact {
  return createRulebook({
    id: opts.id ?? 'support-triage',
    name: 'Support triage',
    schema: sampleSchema(),
    instructions: 'Extract the fields from the support message.',
    rules: sampleRules(),
    precedents: samplePrecedents(opts.precedents ?? 2),
    createdAt: SAMPLE_TIME,
  });
}
