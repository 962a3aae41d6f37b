// Small, readable fixtures for the runtime's unit tests.
import type { ExtractionSchema, OverrideRule, Precedent, Rule } from '../domain.js';

export const supportSchema: ExtractionSchema = {
  fields: [
    { name: 'name', type: 'string', nullable: true, description: "The sender's name." },
    {
      name: 'issue_type',
      type: 'enum',
      nullable: false,
      aliases: ['category'],
      values: [
        { value: 'account', description: 'Log-in, lock-outs, passwords.' },
        { value: 'billing', description: 'Charges, invoices, refunds.', aliases: ['invoice'] },
        { value: 'other' },
      ],
    },
    {
      name: 'urgency',
      type: 'enum',
      nullable: false,
      aliases: ['priority'],
      values: [{ value: 'low' }, { value: 'medium' }, { value: 'high', aliases: ['ASAP', 'urgent'] }],
    },
  ],
};

export const provenance = { precedentIds: [], author: 'ana', createdAt: '2026-11-01T00:00:00.000Z' };

export function override(id: string, when: OverrideRule['when'], set: OverrideRule['set']): OverrideRule {
  return { id, kind: 'override', rationale: 'test', enabled: true, provenance, when, set };
}

export const lockoutRule: Rule = override('r-lockout', { kind: 'contains_any', phrases: ['locked out'] }, { issue_type: 'account' });

export function precedent(id: string, text: string, issue_type: string, urgency = 'medium', name: string | null = null): Precedent {
  return { id, message: { text }, output: { name, issue_type, urgency }, rationale: 'because', createdAt: '2026-11-01T00:00:00.000Z' };
}
