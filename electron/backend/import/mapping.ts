// The column-mapping step: a guess from header names of which column holds the text, subject,
// sender, time and id, and which columns carry the right value of a schema field.
import type { ImportMapping } from '../../../shared/src/api/index.js';
import type { LabelFields } from './types.js';

/** A header as compared: case, spaces, dashes and underscores do not matter (`Created At` is `createdat`). */
export const headerForm = (name: string): string => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Names each role is recognised by, best first. */
const CANDIDATES = {
  text: ['text', 'body', 'message', 'content', 'messagetext', 'messagebody', 'description', 'comment', 'ticketbody', 'plaintext'],
  subject: ['subject', 'title', 'summary', 'topic'],
  sender: ['from', 'sender', 'email', 'fromaddress', 'senderemail', 'author', 'customer', 'requester', 'customeremail', 'name'],
  receivedAt: ['receivedat', 'received', 'date', 'createdat', 'created', 'timestamp', 'sentat', 'sent', 'datetime', 'time', 'submittedat'],
  id: ['id', 'messageid', 'ticketid', 'externalid', 'ticket', 'uuid', 'key'],
} as const;

/** Words that, inside a longer header, say the role (`Customer Email` is a sender). */
const CONTAINS = {
  text: ['body', 'message', 'text', 'content'],
  subject: ['subject', 'title'],
  sender: ['email', 'sender', 'from'],
  receivedAt: ['date', 'time', 'created', 'received'],
  id: [],
} as const;

type Role = keyof typeof CANDIDATES;
const ROLES: Role[] = ['text', 'subject', 'sender', 'receivedAt', 'id'];

/**
 * The suggested mapping for these columns. Each column serves at most one role; columns named like
 * a schema field (or one of its aliases) are suggested as that field's label.
 */
export function suggestMapping(columns: readonly string[], schema?: LabelFields): ImportMapping {
  const used = new Set<string>();
  const forms = columns.map((c) => ({ column: c, form: headerForm(c) }));
  const mapping: ImportMapping = { text: null, subject: null, sender: null, receivedAt: null, id: null };

  // Schema fields first claim the columns named exactly like them (a `name` column in a history
  // of a schema with a `name` field is that label, not the sender).
  const labels: Record<string, string> = {};
  if (schema) {
    for (const { column, form } of forms) {
      const field = schema.fields.find((f) => headerForm(f.name) === form) ?? schema.fields.find((f) => f.aliases.some((a) => headerForm(a) === form));
      if (field && !Object.values(labels).includes(field.name)) {
        labels[column] = field.name;
      }
    }
  }

  const pick = (role: Role, match: (form: string, candidate: string) => boolean, candidates: readonly string[]) => {
    if (mapping[role]) return;
    for (const candidate of candidates) {
      const hit = forms.find(({ column, form }) => !used.has(column) && !(column in labels && role !== 'text') && match(form, candidate));
      if (hit) {
        mapping[role] = hit.column;
        used.add(hit.column);
        return;
      }
    }
  };
  for (const role of ROLES) pick(role, (form, c) => form === c, CANDIDATES[role]);
  for (const role of ROLES) pick(role, (form, c) => form.includes(c), CONTAINS[role]);
  // A column taken for the message itself is not also a label.
  for (const role of ROLES) {
    const column = mapping[role];
    if (column) delete labels[column];
  }
  if (Object.keys(labels).length) mapping.labels = labels;
  return mapping;
}
