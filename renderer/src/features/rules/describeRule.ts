import type { Condition, Rule } from '../../api/contract';
import { formatValue } from '../../components/format';

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'contains_any':
      return `contains any of ${c.phrases.map((p) => `“${p}”`).join(', ')}`;
    case 'contains_all':
      return `contains all of ${c.phrases.map((p) => `“${p}”`).join(', ')}`;
    case 'regex':
      return `matches /${c.pattern}/${c.flags ?? ''}`;
    case 'field_equals':
      return `${c.field} is ${formatValue(c.value)}`;
    case 'all':
      return c.conditions.map(describeCondition).join(' and ');
    case 'any':
      return c.conditions.map(describeCondition).join(' or ');
  }
}

/** One line saying what the rule does. */
export function describeRule(rule: Rule): string {
  switch (rule.kind) {
    case 'guidance':
      return `${rule.instruction}${rule.fields.length ? ` (${rule.fields.join(', ')})` : ''}`;
    case 'override':
      return `When the message ${describeCondition(rule.when)}, set ${Object.entries(rule.set)
        .map(([k, v]) => `${k} = ${formatValue(v)}`)
        .join(', ')}`;
    case 'alias':
      return rule.target === 'key' ? `“${rule.from}” means the field ${rule.field}` : `“${rule.from}” means ${rule.to} in ${rule.field}`;
  }
}
