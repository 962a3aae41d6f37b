// Support for the triage journeys (issue 4): a scripted OpenAI-compatible server per test as the
// model, the typed API called from the page (as the window calls it), the runs bar, and what the
// server was asked.
import { expect, type Locator, type Page } from '@playwright/test';
import type { ApiArgs, ApiMethod, ApiResults } from '../../shared/src/api/contract.js';
import { normaliseText } from '../../shared/src/pipeline/normalise.js';
import { contentText, defaultAnswer, findEmbeddedSchema } from '../../shared/testkit/answer.js';
import {
  parseMessageFromChat,
  startScriptedServer,
  type Answerer,
  type ChatRequestBody,
  type ParsedMessage,
  type ScriptedServer,
} from '../../shared/testkit/scripted-server.js';
import { test as base } from './fixtures.js';

export const MODEL = 'casebook-test-1';

interface TriageFixtures {
  /** A scripted OpenAI-compatible server of the test's own, closed after it. */
  model: ScriptedServer;
}

export const test = base.extend<TriageFixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
  model: async ({}, use) => {
    const server = await startScriptedServer();
    try {
      await use(server);
    } finally {
      await server.close();
    }
  },
});
export { expect };

/** The parts of the page's globals used by `callApi` (the e2e code is compiled without the DOM library). */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null };
  fetch(url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<{ json(): Promise<unknown> }>;
}

/**
 * Calls the host's API from the page, as the window does: `POST /api/<method>` with the per-launch
 * token the window keeps in sessionStorage (renderer/src/api/token.ts).
 */
export async function callApi<M extends ApiMethod>(page: Page, method: M, args: ApiArgs<M>): Promise<ApiResults[M]> {
  const answer = await page.evaluate(
    async ({ method, args }) => {
      const g = globalThis as unknown as PageGlobals;
      const token = g.sessionStorage.getItem('casebook.token');
      if (!token) throw new Error('no token in sessionStorage: open the app first');
      const response = await g.fetch(`/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      return (await response.json()) as { ok: boolean; result?: unknown; error?: unknown };
    },
    { method, args: args as unknown },
  );
  if (!answer.ok) throw new Error(`${method} was refused: ${JSON.stringify(answer.error)}`);
  return answer.result as ApiResults[M];
}

/**
 * Points the workspace at the scripted server through the API, as Settings (the endpoint) and
 * Rulebook › Model (the draft's provider and model) do. The draft change is a history entry.
 */
export async function useScriptedModel(page: Page, server: ScriptedServer, extra: { concurrency?: number; k?: number } = {}): Promise<void> {
  const settings = await callApi(page, 'updateSettings', { baseURL: server.url, ...(extra.concurrency !== undefined ? { concurrency: extra.concurrency } : {}) });
  expect(settings).toMatchObject({ baseURL: server.url });
  const { draft } = await callApi(page, 'updateDraft', { settings: { provider: 'openai', model: MODEL, ...(extra.k !== undefined ? { k: extra.k } : {}) } });
  expect(draft.settings).toMatchObject({ provider: 'openai', model: MODEL });
}

/** The message text of each chat request the server received, in order (the prompt's last `<message>` block). */
export function requestedTexts(server: ScriptedServer): string[] {
  return server.chatRequests.map((r) => parseMessageFromChat((r.body as { messages?: unknown } | null)?.messages).text);
}

/** A message's text as the pipeline puts it in the prompt (normalised: line ends, trailing spaces...). */
export function asPrompted(text: string): string {
  return normaliseText(text);
}

/** How many times each text was requested. */
export function countBy(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** The runs bar above the screens. */
export class RunsBar {
  readonly bar: Locator;
  readonly progress: Locator;
  readonly counts: Locator;
  readonly cancel: Locator;
  readonly resume: Locator;

  constructor(readonly page: Page) {
    this.bar = page.getByTestId('runs-bar');
    this.progress = page.getByTestId('run-progress');
    this.counts = page.getByTestId('run-counts');
    this.cancel = page.getByTestId('run-cancel');
    this.resume = page.getByTestId('run-resume');
  }

  /** The bar's progress as its attributes say. */
  async state(): Promise<{ runId: string | null; status: string | null; done: number; failed: number; total: number }> {
    const [runId, status, done, failed, total] = await Promise.all([
      this.bar.getAttribute('data-run-id'),
      this.progress.getAttribute('data-status'),
      this.progress.getAttribute('data-done'),
      this.progress.getAttribute('data-failed'),
      this.progress.getAttribute('data-total'),
    ]);
    return { runId, status, done: Number(done), failed: Number(failed), total: Number(total) };
  }

  /** Waits until the bar shows a finished run with every message done (and none failed). */
  async expectDone(total: number, timeout = 60_000): Promise<void> {
    await expect(this.progress).toHaveAttribute('data-status', 'done', { timeout });
    await expect(this.progress).toHaveAttribute('data-total', String(total));
    await expect(this.progress).toHaveAttribute('data-done', String(total));
    await expect(this.progress).toHaveAttribute('data-failed', '0');
    await expect(this.counts).toContainText(`${total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} messages`);
  }
}

/** Starts a run over every message from the inbox's Re-run menu. */
export async function rerunAll(page: Page): Promise<void> {
  await page.getByTestId('rerun-menu').locator('summary').click();
  await page.getByTestId('rerun-all').click();
}

/**
 * An answerer that answers as the scripted server's default (the first enum value the message names)
 * and then lets `change` alter the answer for some messages.
 */
export function answerAsDefaultExcept(change: (message: ParsedMessage, answer: Record<string, unknown>) => Record<string, unknown>): Answerer {
  return (body: ChatRequestBody, message: ParsedMessage) => {
    let schema = body.response_format?.type === 'json_schema' ? (body.response_format.json_schema?.schema ?? null) : null;
    if (!schema) {
      const system = (body.messages ?? []).filter((m) => m.role === 'system' || m.role === 'developer').map((m) => contentText(m.content));
      schema = findEmbeddedSchema(system.join('\n'));
    }
    return change(message, defaultAnswer(schema, message) as Record<string, unknown>);
  };
}
