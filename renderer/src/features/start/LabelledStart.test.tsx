// @vitest-environment jsdom
// The labelled step of the start screen over the real backend, from an empty start (no workspace
// open; new workspaces go in a temporary folder): the proposal for a written CSV as a table with
// the reasons, the person's changes (a field left out, a name, a type, an enum value renamed, the
// text column), a refusal shown beside its field, then Create: the workspace is made with those
// fields as its schema and the rows as messages and precedents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEventName, ApiEvents, ApiHandlers, ApiMethod, ApiParsedArgs, CasebookApi } from '../../../../shared/src/api/contract.js';
import type { CreatedWorkspace } from '../../../../shared/src/api/records.js';
import { createBackend } from '../../../../electron/backend/service.js';
import type { Backend } from '../../../../electron/backend/ports.js';
import { createStores, StoresProvider } from '../../stores';
import { createLoopback, loopbackApi } from '../../test/transport';
import { backendOptions } from '../../test/workspaces';
import { LabelledStart } from './LabelledStart';

// A history written for this test: the text column is "Message"; Issue Type and Urgency are enums
// (Urgency in two spellings of case), Refund holds one "n/a", Agent note is a note per row.
const CSV = [
  'Ticket,Message,Issue Type,Urgency,Refund,Agent note',
  'T1,I was charged twice for my order,billing,high,12.5,Called the customer back and refunded the second charge in full',
  'T2,I cannot log in since Monday,account,low,,Reset the password and sent a link that works on the app as well',
  'T3,The app crashes when I print,bug,HIGH,0,Known crash on old printers; the fix ships next week with version 4',
  'T4,Please refund the order I cancelled,billing,low,7,Refunded after checking the cancellation happened before dispatch',
  'T5,My password reset link never arrives,account,high,n/a,Mail was in spam; added our domain to the allow list for them',
  'T6,Printing the report shows blank pages,bug,low,3,Asked for the printer model and the exact steps to reproduce it',
  '',
].join('\n');

let dir: string;
let backend: Backend;
let api: CasebookApi & { callsOf<M extends ApiMethod>(m: M): ApiParsedArgs<M>[] };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'casebook-labelled-'));
  let loopback: ReturnType<typeof createLoopback> | null = null;
  const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => loopback?.emit(event, payload);
  backend = await createBackend({ ...backendOptions('', emit), workspacePath: null, workspacesDir: join(dir, 'workspaces'), demo: false });
  backend.startBackgroundWork();
  const calls: { method: ApiMethod; args: unknown }[] = [];
  const handlers = {} as Record<ApiMethod, (args: unknown) => unknown>;
  for (const method of Object.keys(backend.handlers) as ApiMethod[]) {
    const real = backend.handlers[method] as (args: unknown) => unknown;
    handlers[method] = (args) => {
      calls.push({ method, args });
      return real(args);
    };
  }
  loopback = createLoopback(handlers as unknown as ApiHandlers);
  api = Object.assign(loopbackApi(loopback), {
    callsOf: <M extends ApiMethod>(m: M) => calls.filter((c) => c.method === m).map((c) => c.args as ApiParsedArgs<M>),
  });
});
afterEach(() => {
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

function renderStep() {
  const onCancel = vi.fn();
  const onCreated = vi.fn();
  const stores = createStores(api);
  const user = userEvent.setup();
  render(
    <StoresProvider stores={stores}>
      <LabelledStart onCancel={onCancel} onCreated={onCreated} />
    </StoresProvider>,
  );
  return { onCancel, onCreated, user, stores };
}

const rowOf = (column: string) => screen.getAllByTestId('labelled-field').find((r) => r.getAttribute('data-column') === column)!;

async function chooseFile(user: ReturnType<typeof userEvent.setup>, content = CSV, name = 'history.csv') {
  await user.upload(screen.getByTestId('labelled-file-input'), new File([content], name, { type: 'text/csv' }));
  await screen.findByTestId('labelled-proposal');
}

describe('LabelledStart on the real backend', () => {
  it('shows the proposal with its reasons, and makes the workspace from the fields as the person changed them', async () => {
    const { user, onCreated } = renderStep();
    await chooseFile(user);

    // The file went as its bytes; the proposal is the backend's.
    expect(api.callsOf('proposeFields')[0]!.file).toMatchObject({ name: 'history.csv', encoding: 'base64' });
    expect(screen.getByTestId('labelled-rows').textContent).toBe('6');
    expect((screen.getByTestId('labelled-mapping-text') as HTMLSelectElement).value).toBe('Message');
    expect((screen.getByTestId('labelled-mapping-id') as HTMLSelectElement).value).toBe('Ticket');
    expect(screen.getAllByTestId('labelled-field').map((r) => r.getAttribute('data-column'))).toEqual(['Issue Type', 'Urgency', 'Refund', 'Agent note']);

    const issue = rowOf('Issue Type');
    expect((within(issue).getByTestId('labelled-include') as HTMLInputElement).checked).toBe(true);
    expect((within(issue).getByTestId('labelled-name') as HTMLInputElement).value).toBe('issue_type');
    expect((within(issue).getByTestId('labelled-type') as HTMLSelectElement).value).toBe('enum');
    expect(within(issue).getAllByTestId('labelled-value').map((v) => v.getAttribute('data-value'))).toEqual(['billing', 'account', 'bug']);
    expect(within(issue).getByTestId('labelled-reasons').textContent).toContain('3 distinct values in 6 rows: an enum');
    expect(within(rowOf('Urgency')).getByTestId('labelled-reasons').textContent).toContain('"HIGH" taken as "high" (kept as an alias)');
    expect(within(rowOf('Refund')).getByTestId('labelled-reasons').textContent).toContain('1 value is not a number (e.g. "n/a" at line 6)');
    // Free text is offered unticked, saying why.
    const note = rowOf('Agent note');
    expect((within(note).getByTestId('labelled-include') as HTMLInputElement).checked).toBe(false);
    expect(within(note).getByTestId('labelled-reasons').textContent).toContain('a different value on every row, like an id or a note: not offered as a label');

    // The person: Refund becomes a number that may be empty; "account" is renamed "login";
    // the urgency field is called priority.
    await user.selectOptions(within(rowOf('Refund')).getByTestId('labelled-type'), 'number');
    const account = within(rowOf('Issue Type')).getAllByTestId('labelled-value-input')[1]!;
    await user.clear(account);
    await user.type(account, 'login');
    const urgencyName = within(rowOf('Urgency')).getByTestId('labelled-name');
    await user.clear(urgencyName);
    await user.type(urgencyName, 'priority');
    expect((screen.getByTestId('start-name') as HTMLInputElement).value).toBe('history');
    await user.clear(screen.getByTestId('start-name'));
    await user.type(screen.getByTestId('start-name'), 'Refund desk');
    expect(screen.getByTestId('start-where').textContent).toBe(`Saved as ${join(dir, 'workspaces')}/refund-desk.casebook`);

    const changed = vi.fn();
    api.on('workspaceChanged', changed);
    await user.click(screen.getByTestId('labelled-create'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));

    const [sent] = api.callsOf('createWorkspace');
    expect(sent!.name).toBe('Refund desk');
    expect(sent!.start).toMatchObject({ kind: 'labelled', mapping: { text: 'Message', id: 'Ticket' } });
    if (sent!.start.kind !== 'labelled') throw new Error('not a labelled start');
    expect(sent!.start.fields).toEqual([
      { column: 'Issue Type', field: { name: 'issue_type', type: 'enum', nullable: false, values: [{ value: 'billing' }, { value: 'login', aliases: ['account'] }, { value: 'bug' }] } },
      { column: 'Urgency', field: { name: 'priority', type: 'enum', nullable: false, values: [{ value: 'high', aliases: ['HIGH'] }, { value: 'low' }] } },
      { column: 'Refund', field: { name: 'refund', type: 'number', nullable: true } },
    ]);
    expect(changed).toHaveBeenCalled();

    // The workspace: its schema is the fields; every row a message; the "n/a" row without a precedent.
    const rulebook = await api.getRulebook({});
    expect(rulebook.name).toBe('Refund desk');
    expect(rulebook.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ['issue_type', 'enum'],
      ['priority', 'enum'],
      ['refund', 'number'],
    ]);
    expect((await api.getCounts({})).total).toBe(6);
    const precedents = await api.listPrecedents({});
    expect(precedents).toHaveLength(5);
    expect(precedents.map((p) => p.output).find((o) => o.refund === 12.5)).toEqual({ issue_type: 'billing', priority: 'high', refund: 12.5 });
    expect(precedents.some((p) => p.output.issue_type === 'login')).toBe(true);
    // What was made goes to the caller, the row without a precedent named by its line.
    const made = onCreated.mock.calls[0]![0] as CreatedWorkspace;
    expect(made.workspace.current?.path).toBe(join(dir, 'workspaces', 'refund-desk.casebook'));
    expect(made.imported).toMatchObject({ inserted: 6, precedents: 5 });
    expect(made.imported?.problems.map((x) => x.line)).toEqual([6]);
  });

  it('a refusal is shown beside the field it concerns, and nothing is made', async () => {
    const { user, onCreated } = renderStep();
    await chooseFile(user);
    // Both enums called the same.
    const name = within(rowOf('Urgency')).getByTestId('labelled-name');
    await user.clear(name);
    await user.type(name, 'issue_type');
    await user.click(screen.getByTestId('labelled-create'));

    const error = await within(rowOf('Urgency')).findByTestId('labelled-field-error');
    expect(error.textContent).toBe('"issue_type" is already the name of field 1');
    expect(within(rowOf('Issue Type')).queryByTestId('labelled-field-error')).toBeNull();
    expect(onCreated).not.toHaveBeenCalled();
    expect((await api.getWorkspace({})).current).toBeNull();

    // Fixing the name clears its error; removing every value of an enum is refused beside it too.
    await user.clear(name);
    await user.type(name, 'urgency');
    expect(within(rowOf('Urgency')).queryByTestId('labelled-field-error')).toBeNull();
    for (const remove of within(rowOf('Issue Type')).getAllByTestId('labelled-value-remove')) fireEvent.click(remove);
    await user.click(screen.getByTestId('labelled-create'));
    expect((await within(rowOf('Issue Type')).findByTestId('labelled-field-error')).textContent).toBe('an enum needs at least one value');
  });

  it('a refused place is shown where the other ways to start show it: a path beside the path, a taken name as the refusal', async () => {
    await api.createWorkspace({ name: 'history', start: { kind: 'template', template: 'empty' } });
    const { user, onCreated } = renderStep();
    await chooseFile(user);
    await user.click(screen.getByText('Save it somewhere else'));
    await user.type(screen.getByTestId('start-path'), 'relative.casebook');
    await user.click(screen.getByTestId('labelled-create'));
    expect((await screen.findByTestId('start-path-error')).textContent).toContain('full path');

    await user.clear(screen.getByTestId('start-path'));
    await user.click(screen.getByTestId('labelled-create'));
    expect((await screen.findByTestId('labelled-error')).textContent).toContain('A workspace named "history" already exists');
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('another text column proposes again; a type made an enum starts with the column\'s values; Back cancels', async () => {
    const { user, onCancel } = renderStep();
    await chooseFile(user);
    await user.selectOptions(screen.getByTestId('labelled-mapping-text'), 'Agent note');
    await waitFor(() => expect(api.callsOf('proposeFields')).toHaveLength(2));
    expect(api.callsOf('proposeFields')[1]!.mapping).toMatchObject({ text: 'Agent note' });
    await waitFor(() => expect(screen.getAllByTestId('labelled-field').map((r) => r.getAttribute('data-column'))).toContain('Message'));
    expect(screen.getAllByTestId('labelled-field').map((r) => r.getAttribute('data-column'))).not.toContain('Agent note');

    await user.selectOptions(within(rowOf('Refund')).getByTestId('labelled-type'), 'enum');
    expect(within(rowOf('Refund')).getAllByTestId('labelled-value').map((v) => v.getAttribute('data-value'))).toEqual(['12.5', '0', '7', 'n/a', '3']);

    await user.click(screen.getByTestId('labelled-cancel'));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('a file that is not a labelled history is refused, saying why', async () => {
    renderStep();
    // Past the input's accept list, as a drop would bring it.
    const mail = new File(['From: a@b.c\nSubject: hi\n\nbody\n'], 'note.eml', { type: 'message/rfc822' });
    fireEvent.change(screen.getByTestId('labelled-file-input'), { target: { files: [mail] } });
    expect((await screen.findByTestId('labelled-error')).textContent).toContain('a labelled history is a CSV or JSON Lines file');
    expect(screen.getByTestId('labelled-file-input')).toBeTruthy();
  });
});
