// Sample workspace for the mock API: a few hand-written support messages (one of them hostile) and, on
// request, many generated ones to exercise the inbox at scale (`?mockMessages=100000` in mock builds).
import type { DraftRulebook, Extraction, ExtractionRecord, ExtractionSchema, MessageRecord, ReviewStatus, Trace } from './contract';
import type { MockData } from './mock';

export const HOSTILE_TEXT = 'Hi <img src=x onerror="alert(1)"> there <script>alert("pwned")</script> please reset my password';

const schema: ExtractionSchema = {
  fields: [
    { name: 'name', type: 'string', nullable: true, description: "The customer's personal name." },
    { name: 'issue_type', type: 'enum', nullable: false, values: ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'].map((value) => ({ value })) },
    { name: 'urgency', type: 'enum', nullable: false, values: ['low', 'medium', 'high', 'critical'].map((value) => ({ value })), aliases: ['priority'] },
    { name: 'sentiment', type: 'enum', nullable: true, values: ['negative', 'neutral', 'positive'].map((value) => ({ value })) },
    { name: 'order_id', type: 'string', nullable: true },
    { name: 'is_repeat_contact', type: 'boolean', nullable: false },
  ],
};

interface Seed {
  sender: string;
  subject: string;
  text: string;
  output: Extraction | null;
  status: ReviewStatus;
  valid?: boolean;
}

const seeds: Seed[] = [
  {
    sender: 'Priya Raman <priya@fernleafyoga.com>',
    subject: "Can't log in after password reset",
    text: "Hi,\n\nI reset my password this morning but the new one doesn't work either.\n\nThanks,\nPriya Raman\nFernleaf Yoga",
    output: { name: 'Priya Raman', issue_type: 'account', urgency: 'high', sentiment: 'negative', order_id: null, is_repeat_contact: false },
    status: 'extracted',
  },
  {
    sender: 'Jo <jo@example.org>',
    subject: 'Still locked out',
    text: "It's me again. Still locked out. Billing said it wasn't them.",
    output: { name: null, issue_type: 'billing', urgency: 'high', sentiment: 'negative', order_id: null, is_repeat_contact: true },
    status: 'needs_review',
  },
  {
    sender: 'Mallory <mallory@evil.example>',
    subject: '<b>Urgent</b> <script>alert(1)</script>',
    text: HOSTILE_TEXT,
    output: { name: null, issue_type: 'account', urgency: 'medium', sentiment: 'neutral', order_id: null, is_repeat_contact: false },
    status: 'extracted',
  },
  {
    sender: 'Lena Vogel <lena.vogel@cafe-vogel.de>',
    subject: 'Rechnung doppelt abgebucht',
    text: 'Hallo,\n\nuns wurde die Monatsgebühr für März zweimal abgebucht.\n\nMit freundlichen Grüßen\nLena Vogel',
    output: { name: 'Lena Vogel', issue_type: 'billing', urgency: 'ASAP', sentiment: 'negative', order_id: null, is_repeat_contact: false },
    status: 'needs_review',
    valid: false,
  },
  {
    sender: 'Marcus Hale <marcus@halehardware.com>',
    subject: 'Chat with Tidewell',
    text: 'hey is there a way to export last months sales to csv',
    output: { name: 'Marcus Hale', issue_type: 'feature_request', urgency: 'low', sentiment: 'neutral', order_id: null, is_repeat_contact: false },
    status: 'accepted',
  },
  {
    sender: 'Ana Souza <ana@padaria.com.br>',
    subject: 'Leitor de cartão não chegou',
    text: 'Olá, o pedido #TW-48213 do leitor de cartão ainda não chegou.\n\nAna',
    output: null,
    status: 'new',
  },
];

const rulebook: DraftRulebook = {
  id: 'rb-demo',
  name: 'Tidewell support',
  version: 3,
  instructions: 'Extract the fields of a support message.',
  schema,
  rules: [
    {
      id: 'rule-current-problem',
      kind: 'guidance',
      fields: ['issue_type'],
      instruction: 'Classify the current problem, not earlier contacts.',
      rationale: 'Prioritize the current problem over historical mentions.',
      enabled: true,
      provenance: { precedentIds: ['p-1'], author: 'sam', createdAt: '2026-03-01T09:00:00.000Z' },
    },
    {
      id: 'rule-locked-out',
      kind: 'override',
      when: { kind: 'contains_any', phrases: ['locked out'] },
      set: { issue_type: 'account' },
      rationale: 'A lock-out is always an account problem.',
      enabled: true,
      provenance: { precedentIds: ['p-1'], author: 'sam', createdAt: '2026-03-02T09:00:00.000Z' },
    },
    {
      id: 'rule-asap',
      kind: 'alias',
      target: 'value',
      field: 'urgency',
      from: 'ASAP',
      to: 'high',
      rationale: 'ASAP means high.',
      enabled: false,
      provenance: { precedentIds: [], author: 'sam', createdAt: '2026-03-03T09:00:00.000Z' },
    },
  ],
  precedents: [
    {
      id: 'p-1',
      message: { text: 'Me again - still cannot get in, and billing already checked.' },
      output: { name: null, issue_type: 'account', urgency: 'high', sentiment: 'negative', order_id: null, is_repeat_contact: true },
      rationale: 'Prioritize the current problem over historical mentions.',
      author: 'sam',
      createdAt: '2026-03-01T09:00:00.000Z',
    },
  ],
  settings: { provider: 'embedded', model: 'gpt-4o-mini', temperature: 0, seed: 7, k: 8 },
};

function trace(i: number, output: Extraction): Trace {
  return {
    runtimeVersion: '0.1.0',
    rulebook: { id: rulebook.id, version: rulebook.version, hash: 'sha256:demo' },
    provider: { name: 'embedded', model: 'embedded', params: { temperature: 0, seed: 7, k: 8 } },
    promptHash: `prompt-${i}`,
    cacheKey: `cache-${i}`,
    precedents: [{ id: 'p-1', score: 0.82 - (i % 7) / 20 }],
    guidance: ['rule-current-problem'],
    rulesFired: i % 3 === 1 ? [{ ruleId: 'rule-locked-out', kind: 'override', changed: [{ field: 'issue_type', from: 'billing', to: 'account' }] }] : [],
    aliases: i % 4 === 0 ? [{ target: 'key', field: 'urgency', from: 'priority', to: 'urgency' }] : [],
    rawOutput: JSON.stringify(output),
    cacheHit: i % 2 === 0,
    latencyMs: 3 + (i % 40),
    usage: null,
    attempts: 1,
  };
}

const STATUSES: ReviewStatus[] = ['extracted', 'extracted', 'needs_review', 'accepted', 'corrected', 'new'];
const ISSUES = ['account', 'billing', 'bug', 'feature_request', 'shipping', 'cancellation', 'other'];
const URGENCY = ['low', 'medium', 'high', 'critical'];

/** A fresh copy of the sample workspace; `count` pads it with generated messages. */
export function demoData(options: { count?: number } = {}): MockData {
  const total = Math.max(seeds.length, options.count ?? seeds.length);
  const start = Date.parse('2026-03-02T08:00:00.000Z');
  const messages: MessageRecord[] = [];
  const extractions = new Map<string, ExtractionRecord>();
  // Generated messages share traces (the pattern repeats every 84), which keeps 100,000 messages quick to build.
  const traces: Trace[] = [];
  for (let i = 0; i < total; i++) {
    const seed: Seed = seeds[i] ?? {
      sender: `Customer ${i} <customer${i}@example.com>`,
      subject: `Question #${i} about ${ISSUES[i % ISSUES.length]}`,
      text: `Hello, this is generated message ${i}.\nSomething about ${ISSUES[i % ISSUES.length]}.`,
      output: { name: `Customer ${i}`, issue_type: ISSUES[i % ISSUES.length] ?? 'other', urgency: URGENCY[i % URGENCY.length] ?? 'low', sentiment: 'neutral', order_id: null, is_repeat_contact: i % 5 === 0 },
      status: STATUSES[i % STATUSES.length] ?? 'new',
    };
    const id = `msg-${String(i + 1).padStart(6, '0')}`;
    const receivedAt = new Date(start + i * 3_600_000).toISOString();
    const output = seed.status === 'new' ? null : seed.output;
    messages.push({ id, text: seed.text, subject: seed.subject, sender: seed.sender, receivedAt, source: 'demo', status: seed.status });
    if (output) {
      const valid = seed.valid ?? true;
      extractions.set(id, {
        id: `ext-${id}`,
        messageId: id,
        runId: 'run-1',
        rulebookVersion: rulebook.version,
        output: i < seeds.length ? structuredClone(output) : output,
        valid,
        errors: valid ? [] : [{ path: '/urgency', message: 'must be one of low, medium, high, critical' }],
        trace: i < seeds.length ? trace(i, output) : (traces[i % 84] ??= trace(i % 84, output)),
        createdAt: receivedAt,
      });
    }
  }
  return {
    appInfo: { version: '0.1.0', runtimeVersion: '0.1.0', host: 'web', workspacePath: '/home/demo/Tidewell support.casebook', messageCount: messages.length },
    messages,
    extractions,
    rulebook: structuredClone(rulebook),
    settings: { provider: 'embedded', baseURL: '', model: 'gpt-4o-mini', hasApiKey: false, k: 8, concurrency: 4, ratePerSecond: 0 },
  };
}
