// The workspaces renderer tests run on. Built once per test run (global-setup.ts) by the real backend:
// the demo workspace (`demo: true` over the repository's resources/), then a few of its messages
// extracted again by a scripted OpenAI-compatible model (shared/testkit) whose answers put the inbox
// in states the embedded provider never produces, and one message imported and left unextracted.
// Each test opens a copy of the file (backend.ts).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandlers } from '../../../shared/src/api/contract.js';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { defaultAnswer } from '../../../shared/testkit/answer.js';
import { startScriptedServer, type Answerer } from '../../../shared/testkit/scripted-server.js';
import { createBackend } from '../../../electron/backend/service.js';
import { openWorkspace } from '../../../electron/services/workspace/index.js';
import { backendOptions as sharedBackendOptions, memorySettings } from '../../../electron/backend/test-support.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const RESOURCES = join(ROOT, 'resources');
export const APP_VERSION = '0.1.0';

/** The backend's own test stores and options (electron/backend/test-support.ts), as the renderer's tests start it. */
export { memorySettings };
export function backendOptions(workspacePath: string, emit: Parameters<typeof createBackend>[0]['emit'] = () => undefined, settings = memorySettings()) {
  return sharedBackendOptions(workspacePath, { emit, settings, appVersion: APP_VERSION });
}

// Messages of the demo the tests name (resources/demo/messages.jsonl), and what the template makes of them.
export const DEMO = {
  /** demo-003. The scripted model answered urgency "sofort", which the schema does not know: invalid, needs review. */
  lena: { subject: 'Rechnung doppelt abgebucht', sender: 'Lena Vogel <lena.vogel@cafe-vogel.de>', invalidUrgency: 'sofort' },
  /** demo-048. The scripted model filed it under billing, the team it talked to before (the README's story). */
  story: { subject: 'still locked out', text: "It's me again. Still locked out. Billing said it wasn't them.", modelIssueType: 'billing' },
  /** demo-019, the same customer earlier: "locked out" too, and the scripted model filed it under billing as well. */
  alsoLockedOut: { subject: 'Re: Account locked', modelIssueType: 'billing' },
  /** demo-082. The scripted model answered bug and medium; the demo's chargeback override set billing and high. */
  chargeback: { subject: 'Chargeback notice?', ruleId: 'rule-demo-chargeback' },
  /** Mallory-style hostile message of the demo: HTML and script in the subject and the text. */
  hostile: { subject: "<script>alert('x')</script>", text: "<script>alert('x')</script>\nHello I have problem with login please help" },
  /** Imported by the template and never extracted: status new, the newest message. */
  unextracted: {
    subject: 'Leitor de cartão não chegou',
    sender: 'Ana Souza <ana@padaria.com.br>',
    text: 'Olá, o pedido #TW-51877 do leitor de cartão ainda não chegou.\n\nAna',
    receivedAt: '2026-03-24T09:00:00.000Z',
  },
} as const;

/** The messages the template has the scripted model extract. */
const SCRIPTED = [DEMO.lena.subject, DEMO.story.subject, DEMO.alsoLockedOut.subject, DEMO.chargeback.subject];

/** The scripted model of the template (and of tests that use one): the testkit's default answer, except for the messages above. */
export const scriptedAnswer: Answerer = (body, message) => {
  const schema = body.response_format?.type === 'json_schema' ? (body.response_format.json_schema?.schema ?? null) : null;
  const out = defaultAnswer(schema, message) as Record<string, unknown>;
  if (message.subject === DEMO.lena.subject) out.urgency = DEMO.lena.invalidUrgency;
  if (message.subject === DEMO.story.subject) out.issue_type = DEMO.story.modelIssueType;
  if (message.subject === DEMO.alsoLockedOut.subject) out.issue_type = DEMO.alsoLockedOut.modelIssueType;
  if (message.subject === DEMO.chargeback.subject) Object.assign(out, { issue_type: 'bug', urgency: 'medium' });
  return out;
};

/** The model name the scripted server is asked for. */
export const SCRIPTED_MODEL = 'casebook-test-1';

async function waitForRun(handlers: ApiHandlers, runId: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const run = await handlers.getRun({ runId });
    if (run.status === 'done') return;
    if (run.status !== 'running' && run.status !== 'queued') throw new Error(`template run ${runId} ended ${run.status}: ${run.error ?? ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`template run ${runId} did not finish`);
}

export interface Templates {
  /** The demo workspace as described above. */
  demo: string;
  /** Its draft rulebook's schema (for tests of single components). */
  schema: ExtractionSchema;
}

/** Builds the template workspaces in `dir`. */
export async function buildTemplates(dir: string): Promise<Templates> {
  mkdirSync(dir, { recursive: true });
  const demo = join(dir, 'demo.casebook');
  const backend = await createBackend(backendOptions(demo));
  const model = await startScriptedServer({ script: { answer: scriptedAnswer } });
  let schema: ExtractionSchema;
  try {
    backend.startBackgroundWork();
    const h = backend.handlers;
    const before = await h.getSettings({});
    const { items } = await h.listMessages({ limit: 500, sort: 'received_desc' });
    const ids = SCRIPTED.map((subject) => {
      const found = items.filter((m) => m.subject === subject);
      if (found.length !== 1) throw new Error(`the demo has ${found.length} messages with the subject "${subject}"`);
      return found[0]!.id;
    });
    const draftSettings = (await h.getRulebook({})).settings;
    await h.updateSettings({ baseURL: model.url });
    await h.updateDraft({ settings: { provider: 'openai', model: SCRIPTED_MODEL } });
    const run = await h.startRun({ selection: { ids } });
    await waitForRun(h, run.id);
    // Back to the demo's own settings: tests run the embedded provider unless they say otherwise.
    await h.updateDraft({ settings: { ...draftSettings, maxTokens: draftSettings.maxTokens ?? null } });
    await h.updateSettings({ baseURL: before.baseURL });

    const u = DEMO.unextracted;
    const line = JSON.stringify({ text: u.text, subject: u.subject, sender: u.sender, receivedAt: u.receivedAt });
    const imported = await h.importMessages({ file: { name: 'new.jsonl', content: `${line}\n` }, asPrecedents: false });
    if (imported.inserted !== 1) throw new Error(`the template's import inserted ${imported.inserted} messages`);

    schema = (await h.getRulebook({})).schema;
  } finally {
    await model.close();
    backend.close();
  }
  forgetTemplateHistory(demo);
  return { demo, schema };
}

/**
 * The template's detour through the scripted model is how the fixture was made, not a change a
 * person made to the draft (which is as the demo's again): its history starts empty.
 */
function forgetTemplateHistory(path: string): void {
  const ws = openWorkspace(path, { mustExist: true });
  try {
    ws.db.prepare('DELETE FROM draft_history').run();
  } finally {
    ws.close();
  }
}
