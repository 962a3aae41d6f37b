// @vitest-environment jsdom
// The start screen and the workspace switcher over the real backend's session: a first run opens no
// workspace, each way to start makes one and the window reloads on it, a refused rulebook file or
// name says why and opens nothing, and switching from the header or the native menu shows the other
// workspace's own data. Workspaces are made in a temporary folder of the test's own.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ApiEventName, ApiEvents, ApiHandlers, ApiMethod } from '../../../../shared/src/api/contract.js';
import { nextVersion, serializeRulebook } from '../../../../shared/src/rulebook/index.js';
import { sampleRulebook } from '../../../../shared/src/rulebook/test-fixtures.js';
import { createBackend } from '../../../../electron/backend/service.js';
import type { Backend } from '../../../../electron/backend/ports.js';
import { App } from '../../app/App';
import { createStores } from '../../stores';
import { createLoopback, loopbackApi } from '../../test/transport';
import { backendOptions, memorySettings } from '../../test/workspaces';
import '../../test/render';
import { importedMessage } from './StartScreen';

interface Session {
  backend: Backend;
  dir: string;
  folder: string;
  /** A copy of the demo workspace in the test's folder. */
  demoCopy(name: string): string;
  /** The next call of `method` waits until the returned function is called. */
  hold(method: ApiMethod): () => void;
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
}

const sessions: Session[] = [];
afterEach(async () => {
  cleanup();
  for (const s of sessions.splice(0)) {
    s.backend.close();
    rmSync(s.dir, { recursive: true, force: true });
  }
});

/** The backend as a host starts it, with `workspacePath` open or none, its new workspaces in the test's folder. */
async function startSession(workspacePath: ((s: Pick<Session, 'demoCopy'>) => string) | null = null) {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-start-'));
  const folder = join(dir, 'workspaces');
  const demoCopy = (name: string) => {
    const template = inject('casebook').demo;
    const to = join(dir, `${name}.casebook`);
    copyFileSync(template, to);
    if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${to}-wal`);
    return to;
  };
  let loopback: ReturnType<typeof createLoopback> | null = null;
  const backend = await createBackend({
    ...backendOptions(join(dir, 'unused.casebook'), (event, payload) => loopback?.emit(event, payload), memorySettings()),
    workspacePath: workspacePath ? workspacePath({ demoCopy }) : null,
    workspacesDir: folder,
    openRecent: true,
  });
  const holds = new Map<ApiMethod, Promise<void>>();
  const handlers = Object.fromEntries(
    Object.entries(backend.handlers).map(([method, real]) => [
      method,
      async (args: unknown) => {
        const gate = holds.get(method as ApiMethod);
        holds.delete(method as ApiMethod);
        if (gate) await gate;
        return (real as (a: unknown) => unknown)(args);
      },
    ]),
  ) as unknown as ApiHandlers;
  loopback = createLoopback(handlers);
  backend.startBackgroundWork();
  const lb = loopback;
  const session: Session = {
    backend,
    dir,
    folder,
    demoCopy,
    hold: (method) => {
      let release!: () => void;
      holds.set(method, new Promise<void>((r) => (release = r)));
      return release;
    },
    emit: (event, payload) => lb.emit(event, payload),
  };
  sessions.push(session);
  const stores = createStores(loopbackApi(loopback));
  const user = userEvent.setup();
  render(<App stores={stores} />);
  return { ...session, user, api: stores.api };
}

async function chooseTemplate(user: ReturnType<typeof userEvent.setup>, id: 'support_triage' | 'empty', name?: string) {
  await user.click(await screen.findByTestId('start-template'));
  await user.click(within(screen.getByTestId(`template-${id}`)).getByRole('radio'));
  if (name !== undefined) {
    await user.clear(screen.getByTestId('start-name'));
    await user.type(screen.getByTestId('start-name'), name);
  }
  await user.click(screen.getByTestId('start-create'));
}

describe('the first run', () => {
  it('shows the four ways to start, and opening the support triage template shows its fields on the Rulebook screen', async () => {
    const { user, folder, api } = await startSession();
    const start = await screen.findByTestId('start-screen');
    expect(screen.getByTestId('app-ready')).toBeTruthy();
    expect(within(start).getByRole('heading', { level: 1 }).textContent).toBe('Welcome to Casebook');
    expect(within(start).getAllByRole('button', { pressed: false }).map((b) => b.querySelector('strong')?.textContent)).toEqual([
      'Explore the demo',
      'Start from a template',
      'Start from a labelled history',
      'Open a rulebook file',
    ]);
    expect(screen.queryByTestId('nav-inbox')).toBeNull();

    await user.click(screen.getByTestId('start-template'));
    expect(screen.getByTestId('start-template').getAttribute('aria-pressed')).toBe('true');
    expect((screen.getByTestId('start-name') as HTMLInputElement).value).toBe('Support triage');
    expect(within(screen.getByTestId('template-support_triage')).getByLabelText('Fields').textContent).toBe('nameissue_typeurgencyrequested_action');
    expect(screen.getByTestId('start-where').textContent).toBe(`Saved as ${folder}/support-triage.casebook`);
    await user.click(screen.getByTestId('start-create'));

    const rulebook = await screen.findByTestId('rulebook-screen');
    for (const field of ['name', 'issue_type', 'urgency', 'requested_action']) expect(rulebook.textContent).toContain(field);
    expect(screen.getByTestId('workspace-name').textContent).toBe('Support triage');
    expect(screen.getByTestId('nav-rulebook').getAttribute('aria-current')).toBe('page');
    expect((await api.getWorkspace({})).current?.path).toBe(join(folder, 'support-triage.casebook'));
  });

  it('makes an empty workspace: no fields yet, and the Rulebook screen opens', async () => {
    const { user, api } = await startSession();
    await chooseTemplate(user, 'empty', 'Our own');
    expect(await screen.findByTestId('rulebook-screen')).toBeTruthy();
    expect((await api.getRulebook({})).schema.fields).toEqual([]);
    expect(screen.getByTestId('workspace-name').textContent).toBe('Our own');
  });

  it('shows progress while the demo is made, then its inbox', async () => {
    const { user, hold } = await startSession();
    await user.click(await screen.findByTestId('start-demo'));
    const release = hold('createWorkspace');
    await user.click(screen.getByTestId('start-create'));
    expect((await screen.findByRole('status')).textContent).toMatch(/Making the demo/);
    expect((screen.getByTestId('start-create') as HTMLButtonElement).disabled).toBe(true);
    release();
    await waitFor(() => expect(screen.getAllByTestId('inbox-row').length).toBeGreaterThan(0), { timeout: 30_000 });
    expect(screen.getByTestId('workspace-name').textContent).toBe('Demo');
  }, 40_000);

  it('refuses a name that is taken and a folder that does not exist, beside the field, and stays on the start screen', async () => {
    const { user, dir } = await startSession();
    await chooseTemplate(user, 'empty', 'Taken');
    await screen.findByTestId('rulebook-screen');
    await user.click(screen.getByTestId('workspace-switcher'));
    await user.click(screen.getByTestId('new-workspace'));
    await chooseTemplate(user, 'empty', 'taken');
    expect((await screen.findByTestId('start-error')).textContent).toMatch(/A workspace named "taken" already exists/);

    await user.click(screen.getByText('Save it somewhere else'));
    await user.type(screen.getByTestId('start-path'), join(dir, 'nowhere', 'x.casebook'));
    await user.click(screen.getByTestId('start-create'));
    expect((await screen.findByTestId('start-path-error')).textContent).toBe(`The folder ${join(dir, 'nowhere')} does not exist: choose a folder that does.`);
    expect(screen.getByTestId('start-screen')).toBeTruthy();
  });
});

describe('what a labelled history made', () => {
  it('is said in one line once the window shows the new workspace', () => {
    expect(importedMessage({ format: 'csv', inserted: 120, skipped: 0, precedents: 118, problems: [] })).toBe('Imported 120 messages and 118 precedents.');
    expect(importedMessage({ format: 'csv', inserted: 1, skipped: 2, precedents: 1, problems: [{ line: 4, message: 'x' }] as never })).toBe('Imported 1 message and 1 precedent; 2 duplicates skipped; 1 row with a problem.');
  });
});

describe('opening a rulebook file', () => {
  const taught = () => {
    const v1 = sampleRulebook({ precedents: 2 });
    return nextVersion(v1, { settings: { ...v1.settings, k: 5 } });
  };

  async function pick(name: string, content: string) {
    const input = screen.getByTestId('rulebook-file-input') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File([content], name, { type: 'application/json' })] } });
  }

  it('shows what the file holds, then makes it the draft of a new workspace', async () => {
    const { user, api } = await startSession();
    await user.click(await screen.findByTestId('start-rulebook'));
    const file = taught();
    await pick('support.rulebook.json', serializeRulebook(file));
    const summary = await screen.findByTestId('rulebook-summary');
    expect(summary.textContent).toContain('Support triage');
    expect(summary.textContent).toContain('version 2');
    expect(within(summary).getByTestId('rulebook-rules').textContent).toBe('4 rules');
    expect(within(summary).getByTestId('rulebook-precedents').textContent).toBe('2 precedents');
    expect((screen.getByTestId('start-name') as HTMLInputElement).value).toBe('Support triage');
    await user.click(screen.getByTestId('start-create'));

    await screen.findByTestId('rulebook-screen');
    const draft = await api.getRulebook({});
    expect({ id: draft.id, name: draft.name, schema: draft.schema, rules: draft.rules, precedents: draft.precedents, settings: draft.settings }).toEqual({
      id: file.id,
      name: file.name,
      schema: file.schema,
      rules: file.rules,
      precedents: file.precedents,
      settings: file.settings,
    });
  });

  it('says why a file fails verification, and opens nothing', async () => {
    const { user, api } = await startSession();
    await user.click(await screen.findByTestId('start-rulebook'));
    const tampered = serializeRulebook(taught()).replace('Extract the fields from the support message.', 'Something else.');
    await pick('tampered.json', tampered);
    await screen.findByTestId('rulebook-summary');
    await user.click(screen.getByTestId('start-create'));
    expect((await screen.findByTestId('start-error')).textContent).toMatch(/^This rulebook cannot be opened: tampered\.json: content was changed after it was hashed/);
    expect((await api.getWorkspace({})).current).toBeNull();

    await pick('schema.json', '{"fields": []}');
    expect((await screen.findByTestId('rulebook-refused')).textContent).toMatch(/^schema\.json: This file is not a Casebook rulebook/);
    await pick('notes.json', 'these are notes');
    expect((await screen.findByTestId('rulebook-refused')).textContent).toMatch(/^notes\.json: This file is not JSON/);
    expect((screen.getByTestId('start-create') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('switching workspaces', () => {
  it('from the header: the recent list, a path, and New workspace…; each workspace shows its own messages', async () => {
    const { user, demoCopy, dir } = await startSession(({ demoCopy }) => demoCopy('Tidewell'));
    await waitFor(() => expect(screen.getAllByTestId('inbox-row').length).toBeGreaterThan(0));
    expect(screen.getByTestId('count-total').textContent).toBe('141');

    // A second workspace, made from the header: it opens with nothing in it.
    await user.click(screen.getByTestId('workspace-switcher'));
    await user.click(screen.getByTestId('new-workspace'));
    const overlay = await screen.findByRole('dialog', { name: 'New workspace' });
    expect(within(overlay).getByTestId('start-cancel').textContent).toBe('Back to Tidewell support triage');
    await chooseTemplate(user, 'support_triage', 'Second');
    await screen.findByTestId('rulebook-screen');
    expect(screen.queryByRole('dialog', { name: 'New workspace' })).toBeNull();
    await user.click(screen.getByTestId('nav-inbox'));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('0'));
    expect(screen.queryAllByTestId('inbox-row')).toHaveLength(0);

    // Back by the recent list.
    await user.click(screen.getByTestId('workspace-switcher'));
    const panel = await screen.findByTestId('workspace-panel');
    const recent = within(panel).getAllByTestId('recent-workspace');
    expect(recent.map((r) => r.querySelector('.recent-name')?.textContent)).toEqual(['Second', 'Tidewell support triage']);
    await user.click(within(recent[1]!).getByRole('button', { name: /^Tidewell support triage/ }));
    await waitFor(() => expect(screen.getByTestId('workspace-name').textContent).toBe('Tidewell support triage'));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('141'));

    // By a path: another copy of the demo, and a file that is not a workspace.
    const other = demoCopy('Other copy');
    await user.click(screen.getByTestId('workspace-switcher'));
    await user.type(screen.getByTestId('open-path'), join(dir, 'missing.casebook'));
    await user.click(screen.getByTestId('open-path-submit'));
    expect((await screen.findByTestId('open-error')).textContent).toMatch(/No workspace at .*missing\.casebook/);
    await user.clear(screen.getByTestId('open-path'));
    await user.type(screen.getByTestId('open-path'), other);
    await user.click(screen.getByTestId('open-path-submit'));
    await waitFor(() => expect(screen.getByTestId('workspace-path').textContent).toBe(other));
  }, 30_000);

  it('Escape leaves New workspace… and returns to the workspace; the native menu opens it too', async () => {
    const { user, emit } = await startSession(({ demoCopy }) => demoCopy('Menu'));
    await screen.findByTestId('app-ready');
    await waitFor(() => expect(screen.getByTestId('workspace-name').textContent).toBe('Tidewell support triage'));
    act(() => emit('menuCommand', { command: 'newWorkspace' }));
    expect(await screen.findByRole('dialog', { name: 'New workspace' })).toBeTruthy();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New workspace' })).toBeNull());
    act(() => emit('menuCommand', { command: 'openWorkspace' }));
    expect(await screen.findByTestId('workspace-panel')).toBeTruthy();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('workspace-panel')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('workspace-switcher'));
  });

  it('names the workspace anew when its draft is renamed (updateDraft announces draftChanged)', async () => {
    const { api } = await startSession(({ demoCopy }) => demoCopy('Renamed'));
    await waitFor(() => expect(screen.getByTestId('workspace-name').textContent).toBe('Tidewell support triage'));
    await api.updateDraft({ name: 'Tidewell triage, renamed' });
    await waitFor(() => expect(screen.getByTestId('workspace-name').textContent).toBe('Tidewell triage, renamed'));
    expect((await api.getWorkspace({})).recent[0]?.name).toBe('Tidewell triage, renamed');
  });

  it('reloads on a switch made elsewhere (File › Open Workspace… in Electron): the backend announces it', async () => {
    const { backend } = await startSession(({ demoCopy }) => demoCopy('Elsewhere'));
    await waitFor(() => expect(screen.getAllByTestId('inbox-row').length).toBeGreaterThan(0));
    await backend.handlers.createWorkspace({ name: 'From the menu', start: { kind: 'template', template: 'empty' } });
    await waitFor(() => expect(screen.getByTestId('workspace-name').textContent).toBe('From the menu'));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('0'));
    expect(screen.queryAllByTestId('inbox-row')).toHaveLength(0);
  });
});
