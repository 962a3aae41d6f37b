// The demo data the browser host seeds a new workspace with (resources/demo/messages.jsonl), so specs
// can name demo messages by their content instead of copying it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './host.js';

export interface DemoMessage {
  id: string;
  receivedAt: string;
  channel: string;
  sender: string;
  subject: string;
  text: string;
}

export const DEMO_MESSAGES: DemoMessage[] = readFileSync(path.join(ROOT, 'resources', 'demo', 'messages.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as DemoMessage);

/** The demo message with this id (the file's own id, e.g. `demo-048`; the workspace gives messages ids of its own). */
export function demoMessage(id: string): DemoMessage {
  const message = DEMO_MESSAGES.find((m) => m.id === id);
  if (!message) throw new Error(`no demo message ${id} in resources/demo/messages.jsonl`);
  return message;
}

/** Demo messages whose text or subject carries this markup. */
export function demoMessagesContaining(markup: string): DemoMessage[] {
  return DEMO_MESSAGES.filter((m) => m.text.includes(markup) || m.subject.includes(markup));
}
