// Workspaces in end-to-end tests: the host's API called as the window calls it (for checking what a
// journey left behind), a rulebook file written by the real CLI (`casebook new` then `teach`, run
// from source), and the start screen and switcher as a page model.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { ApiArgs, ApiMethod, ApiResults } from '../../shared/src/api/contract.js';
import type { RulebookArtifact } from '../../shared/src/domain.js';
import { ROOT, type RunningHost } from './host.js';

/** One API call to the host, with its token and origin, as the window makes it; throws on a failure. */
export async function callHost<M extends ApiMethod>(host: RunningHost, method: M, args: ApiArgs<M>): Promise<ApiResults[M]> {
  const res = await fetch(`${host.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}`, origin: host.origin },
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as { ok: boolean; result?: ApiResults[M]; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
  return body.result!;
}

/** Runs the `casebook` CLI from source (no build needed; from the repository, where tsx resolves): give it full paths. */
export function casebookCli(args: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'shared', 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '' } });
  if (run.status !== 0) throw new Error(`casebook ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

export const ORDER_SCHEMA = {
  fields: [
    { name: 'customer', type: 'string', nullable: true, description: 'Who wrote, as they sign.' },
    {
      name: 'topic',
      type: 'enum',
      nullable: false,
      description: 'What the message is about.',
      values: [{ value: 'delivery', description: 'Where a parcel is, or that it is late.', aliases: ['shipping'] }, 'return', { value: 'payment', aliases: ['invoice'] }],
    },
    { name: 'order_number', type: 'string', nullable: true, description: 'The order number, ORD- and digits.' },
  ],
};

export const ORDER_EXAMPLES = [
  { text: 'Where is my parcel? Order ORD-5521 was due on Monday. Greta', output: { customer: 'Greta', topic: 'delivery', order_number: 'ORD-5521' }, note: 'asks where the parcel is' },
  { text: 'I want to send back the blue jacket from ORD-7730, it does not fit.', output: { customer: null, topic: 'return', order_number: 'ORD-7730' }, note: 'a return' },
  { text: 'You charged my card twice for one order. Paul', output: { customer: 'Paul', topic: 'payment', order_number: null }, note: 'double charge' },
];

/**
 * A rulebook as a team makes one without the app: `casebook new` from a schema file, then `casebook
 * teach` with three examples. Returns the file's path and its content.
 */
export function writeTaughtRulebook(name = 'Order desk'): { file: string; rulebook: RulebookArtifact } {
  const dir = mkdtempSync(path.join(tmpdir(), 'casebook-e2e-rulebook-'));
  writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(ORDER_SCHEMA, null, 2));
  writeFileSync(path.join(dir, 'instructions.txt'), 'Read one customer message of a web shop and fill in the fields.\n');
  writeFileSync(path.join(dir, 'examples.jsonl'), ORDER_EXAMPLES.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const file = path.join(dir, 'order-desk.rulebook.json');
  casebookCli(['new', '--schema', path.join(dir, 'schema.json'), '--out', file, '--name', name, '--instructions', path.join(dir, 'instructions.txt')]);
  casebookCli(['teach', '--rulebook', file, '--examples', path.join(dir, 'examples.jsonl'), '--author', 'Ana (e2e)']);
  return { file, rulebook: JSON.parse(readFileSync(file, 'utf8')) as RulebookArtifact };
}

/** The start screen and the header's switcher. */
export class WorkspacesPage {
  constructor(private readonly page: Page) {}

  get startScreen() {
    return this.page.getByTestId('start-screen');
  }

  /** New workspace… from the header's switcher (the start screen over the open workspace). */
  async newWorkspace(): Promise<void> {
    await this.page.getByTestId('workspace-switcher').click();
    await this.page.getByTestId('new-workspace').click();
    await this.startScreen.waitFor();
  }

  /** From the start screen: a template, named. */
  async fromTemplate(template: 'support_triage' | 'empty', name?: string): Promise<void> {
    await this.page.getByTestId('start-template').click();
    await this.page.getByTestId(`template-${template}`).click();
    if (name !== undefined) await this.page.getByTestId('start-name').fill(name);
    await this.page.getByTestId('start-create').click();
  }

  /** From the header's switcher: the recent workspace with this name. */
  async switchTo(name: string): Promise<void> {
    await this.page.getByTestId('workspace-switcher').click();
    await this.page.getByTestId('recent-workspace').filter({ has: this.page.locator('.recent-name', { hasText: new RegExp(`^${name}$`) }) }).locator('.recent-open').click();
    await this.page.getByTestId('workspace-name').filter({ hasText: new RegExp(`^${name}$`) }).waitFor();
  }
}
