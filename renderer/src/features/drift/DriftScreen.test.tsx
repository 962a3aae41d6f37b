// @vitest-environment jsdom
// The Drift screen's "Compare two runs" over the real backend. Once per file, the demo workspace is
// made plain for exact counts (`priority` no longer an alias of `urgency`, override rules off) and
// three runs are asked of the scripted OpenAI-compatible model: P, a comparison run whose model
// shifted every urgency one step; A, an inbox run answering plainly; B, a comparison run after the
// model changed (urgency shifted for some messages, renamed to `priority` for others, and the
// hostile demo message answered with HTML as its name). What the screen shows is checked against
// what the script did.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../app/App';
import { createStores } from '../../stores';
import { startBackend, type TestBackend } from '../../test/backend';
import { startScriptedModel } from '../../test/model';
import { answerLate, nextEvent, preparedWorkspace, runToEnd } from '../../test/prepared';
import { DEMO } from '../../test/workspaces';
import type { RunRecord } from '../../api/contract';
import { defaultAnswer } from '../../../../shared/testkit/answer.js';
import type { Answerer, ChatRequestBody } from '../../../../shared/testkit/scripted-server.js';
import { valueText } from './runLabel';

const EVIL = '<img src=x onerror=alert(1)>';
const URGENCY = ['low', 'medium', 'high', 'critical'];
const MINI = 'casebook-test-mini';
type Output = Record<string, unknown>;

/** A stable choice per message text: 0-9. */
const bucket = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 10;
const next = (u: string) => URGENCY[(URGENCY.indexOf(u) + 1) % URGENCY.length]!;
const schemaOf = (body: ChatRequestBody) => body.response_format?.json_schema?.schema ?? null;
/** The testkit's deterministic answer: what the model says when nothing drifted. */
const plain: Answerer = (body, m) => defaultAnswer(schemaOf(body), m);

/** What the arranging did and the script changed, by message text. */
const known = {
  runs: { p: null as unknown as RunRecord, a: null as unknown as RunRecord, b: null as unknown as RunRecord },
  total: 0,
  idsByText: new Map<string, string[]>(),
  answersA: new Map<string, Output>(),
  shifted: new Map<string, { from: string; to: string }>(),
  renamed: new Map<string, string>(),
  hostile: { id: '', nameA: undefined as unknown },
};

const ids = (texts: Iterable<string>) => [...texts].flatMap((t) => known.idsByText.get(t) ?? []).sort();
const sorted = (values: (string | null)[]) => [...values].sort();

const workspace = preparedWorkspace(async ({ handlers: h, useModel }) => {
  // Plain for exact counts: an answer saying `priority` keeps that key outside the schema, and no
  // override rule hides a shifted urgency.
  const urgency = (await h.getRulebook({})).schema.fields.find((f) => f.name === 'urgency')!;
  await h.applySchemaChange({ change: { op: 'update_field', field: 'urgency', set: { aliases: (urgency.aliases ?? []).filter((a) => a !== 'priority') } }, confirm: true });
  for (const { rule } of await h.listRules({ includeDeleted: false })) if (rule.kind === 'override') await h.setRuleEnabled({ id: rule.id, enabled: false });

  const listed = (await h.listMessages({ limit: 500 })).items;
  known.total = listed.length;
  for (const m of listed) {
    const { message } = await h.getMessage({ id: m.id });
    known.idsByText.set(message.text, [...(known.idsByText.get(message.text) ?? []), m.id]);
    if (message.subject === DEMO.hostile.subject) known.hostile.id = m.id;
  }

  // P: every urgency one step on.
  const server = await useModel({ answer: (body, m) => ({ ...(plain(body, m) as Output), urgency: next((plain(body, m) as Output).urgency as string) }) });
  const against = { version: 'draft' as const, provider: 'openai' as const, model: MINI };
  known.runs.p = await runToEnd(h, { selection: { all: true }, against });
  // A: the inbox run, answered plainly (recorded per text).
  server.script({
    answer: (body, m) => {
      const out = plain(body, m) as Output;
      known.answersA.set(m.text, out);
      return out;
    },
  });
  known.runs.a = await runToEnd(h, { selection: { all: true } });
  // Every message was asked (none answered from a cache), so A's answers are the recorded ones.
  expect(known.answersA.size).toBe(known.idsByText.size);
  // B: the model changed.
  server.script({
    answer: (body, m) => {
      const base = plain(body, m) as Output;
      const u = base.urgency as string;
      const { urgency: _dropped, ...rest } = base;
      if (m.subject === DEMO.hostile.subject) {
        known.renamed.set(m.text, u);
        known.hostile.nameA = base.name;
        return { ...rest, priority: u, name: EVIL };
      }
      const b = bucket(m.text);
      if (b < 2) {
        known.shifted.set(m.text, { from: u, to: next(u) });
        return { ...base, urgency: next(u) };
      }
      if (b === 2) {
        known.renamed.set(m.text, u);
        return { ...rest, priority: u };
      }
      return base;
    },
  });
  known.runs.b = await runToEnd(h, { selection: { all: true }, against });
  expect(known.shifted.size).toBeGreaterThan(5);
  expect(known.renamed.size).toBeGreaterThan(3);
});

const changedCount = () => known.shifted.size + known.renamed.size;
/** The urgency transitions the script made: `"from"→"to"` → count. */
function transitions(): Map<string, number> {
  const out = new Map<string, number>();
  const add = (from: string, to: string | null) => out.set(`${JSON.stringify(from)}→${JSON.stringify(to)}`, (out.get(`${JSON.stringify(from)}→${JSON.stringify(to)}`) ?? 0) + 1);
  for (const [text, { from, to }] of known.shifted) for (const _ of known.idsByText.get(text)!) add(from, to);
  for (const [text, from] of known.renamed) for (const _ of known.idsByText.get(text)!) add(from, null);
  return out;
}

const rowIds = () => screen.getAllByTestId('drift-row').map((r) => r.getAttribute('data-message-id'));

async function renderDrift(options: { backend?: TestBackend } = {}) {
  const backend = options.backend ?? (await startBackend({ from: workspace() }));
  const stores = createStores(backend.api, { screen: 'drift' });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  await screen.findByTestId('drift-screen');
  return { backend, api: backend.api, stores, user, ...result };
}

describe('Drift: compare two runs', () => {
  it('compares the two newest finished runs (the older as A) and shows the summary and the per-field matrix of the comparison', async () => {
    const { api } = await renderDrift();
    const { a, b } = known.runs;
    const summary = await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    expect(api.callsOf('compareRuns')[0]).toEqual({ a: a.id, b: b.id, cursor: null, limit: 100 });
    expect((screen.getByTestId('drift-run-a') as HTMLSelectElement).value).toBe(a.id);
    expect((screen.getByTestId('drift-run-b') as HTMLSelectElement).value).toBe(b.id);
    // "kind · draft 1a2b3c or vN · provider model · date · N messages"
    const option = (side: 'a' | 'b', id: string) => within(screen.getByTestId(`drift-run-${side}`)).getAllByRole('option').find((o) => (o as HTMLOptionElement).value === id)!;
    const hash = (run: RunRecord) => run.rulebook.hash!.replace(/^sha256:/, '').slice(0, 6);
    expect(option('b', b.id).textContent).toMatch(new RegExp(`^compare · draft ${hash(b)} · OpenAI-compatible ${MINI} · .+ · ${known.total} messages$`));
    expect(option('a', a.id).textContent).toMatch(new RegExp(`^extract · draft ${hash(a)} · OpenAI-compatible casebook-test-1 · .+ · ${known.total} messages$`));

    const changed = changedCount();
    const percent = (changed / known.total) * 100;
    expect(within(summary).getByTestId('drift-overlap').textContent).toContain(String(known.total));
    expect(within(summary).getByTestId('drift-changed').textContent).toBe(`${changed}changed (${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%)`);
    expect(within(summary).getByTestId('drift-became-invalid').textContent).toBe(String(known.renamed.size));
    expect(within(summary).getByTestId('drift-became-valid').textContent).toBe('0');
    expect(within(summary).getByTestId('drift-unknown-key').textContent).toBe(`priority: 0 → ${known.renamed.size}`);

    // urgency changed where shifted or renamed, name for the hostile message only; every other field not at all.
    const fields = screen.getAllByTestId('drift-field');
    const counts = Object.fromEntries(fields.map((f) => [f.getAttribute('data-field'), f.getAttribute('data-changed')]));
    expect(counts).toMatchObject({ urgency: String(changed), name: '1', issue_type: '0' });
    expect(Object.entries(counts).filter(([, n]) => n !== '0').map(([f]) => f).sort()).toEqual(['name', 'urgency']);
    const urgency = fields.find((f) => f.getAttribute('data-field') === 'urgency')!;
    const matrix = within(urgency).getByTestId('drift-matrix');
    // Rows and columns: the values of the transitions (null: the key is gone); the diagonal greyed and not clickable.
    const values = new Set([...transitions().keys()].flatMap((k) => k.split('→')));
    expect(within(matrix).getAllByRole('columnheader').map((h) => h.textContent).slice(1).sort()).toEqual(sorted([...values].map((v) => valueText(JSON.parse(v) as string | null))));
    expect(matrix.querySelectorAll('.drift-matrix-diagonal')).toHaveLength(values.size);
    const cells = within(matrix).getAllByTestId('drift-matrix-cell');
    expect(new Map(cells.map((c) => [`${c.getAttribute('data-from')}→${c.getAttribute('data-to')}`, Number(c.textContent)]))).toEqual(transitions());
    const [renamedFrom] = known.renamed.values();
    expect(cells.map((c) => c.getAttribute('aria-label'))).toContain(`urgency: ${renamedFrom} → null, ${transitions().get(`${JSON.stringify(renamedFrom)}→null`)} messages`);
    // A field changed nowhere has no matrix.
    expect(within(fields.find((f) => f.getAttribute('data-field') === 'issue_type')!).queryByTestId('drift-matrix')).toBeNull();

    expect(sorted(rowIds())).toEqual(ids([...known.shifted.keys(), ...known.renamed.keys()]));
    expect(screen.getByTestId('drift-matching').textContent).toContain(`${changed} messages`);
  });

  it('a matrix cell filters the table to that transition (compareRuns with field, from and to); a field, a key outside the schema and the validity count filter too; the chip clears', async () => {
    const { api, user } = await renderDrift();
    const { a, b } = known.runs;
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    const matrix = screen.getAllByTestId('drift-matrix').find((m) => m.getAttribute('data-field') === 'urgency')!;
    const cell = within(matrix).getAllByTestId('drift-matrix-cell').find((c) => c.getAttribute('data-to') !== 'null')!;
    const from = JSON.parse(cell.getAttribute('data-from')!) as string;
    const to = JSON.parse(cell.getAttribute('data-to')!) as string;
    const expected = ids([...known.shifted].filter(([, s]) => s.from === from && s.to === to).map(([t]) => t));
    await user.click(cell);
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toEqual({ a: a.id, b: b.id, field: 'urgency', from, to, cursor: null, limit: 100 }));
    await waitFor(() => expect(sorted(rowIds())).toEqual(expected));
    expect(screen.getByTestId('drift-filter-chip').textContent).toContain(`urgency: ${from} → ${to}`);
    expect(screen.getAllByTestId('drift-row-values').map((v) => v.textContent)).toEqual(expected.map(() => `${from} → ${to}`));

    const nameFilter = screen.getAllByTestId('drift-field-filter').find((f) => f.textContent === 'name')!;
    await user.click(nameFilter);
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toEqual({ a: a.id, b: b.id, field: 'name', cursor: null, limit: 100 }));
    await waitFor(() => expect(rowIds()).toEqual([known.hostile.id]));
    expect(screen.getAllByTestId('drift-row-values').map((v) => v.textContent)).toEqual([`${valueText(known.hostile.nameA as string | null)} → ${EVIL}`]);

    await user.click(screen.getByTestId('drift-unknown-key'));
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ field: 'priority' }));
    await waitFor(() => expect(sorted(rowIds())).toEqual(ids(known.renamed.keys())));
    // The key was dropped from B's output (no field of the schema): each row says so, not "absent → absent".
    expect(screen.getAllByTestId('drift-row-values').map((v) => v.textContent)).toEqual([...known.renamed.keys()].map(() => 'absent → answered (dropped: no field)'));

    await user.click(screen.getByTestId('drift-validity'));
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ validityChanged: true }));
    await waitFor(() => expect(sorted(rowIds())).toEqual(ids(known.renamed.keys())));
    expect(screen.getAllByTestId('drift-row').every((r) => r.textContent!.includes('became invalid'))).toBe(true);

    await user.click(screen.getByTestId('drift-filter-clear'));
    await waitFor(() => expect(screen.getAllByTestId('drift-row')).toHaveLength(changedCount()));
    expect(api.callsOf('compareRuns').at(-1)).toEqual({ a: a.id, b: b.id, cursor: null, limit: 100 });
    expect(screen.queryByTestId('drift-filter-chip')).toBeNull();
  });

  it('swaps A and B, and compares any run picked', async () => {
    const { api, user } = await renderDrift();
    const { p, a, b } = known.runs;
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.click(screen.getByTestId('drift-swap'));
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ a: b.id, b: a.id }));
    // Swapped, B's answers are A's: the key outside the schema went from B's count to none.
    await waitFor(() => expect(screen.getByTestId('drift-unknown-key').textContent).toBe(`priority: ${known.renamed.size} → 0`));
    await user.selectOptions(screen.getByTestId('drift-run-a'), p.id);
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ a: p.id, b: a.id }));
    // P shifted every urgency: every message changed.
    await waitFor(() => expect(screen.getByTestId('drift-changed').textContent).toBe(`${known.total}changed (100%)`));
  });

  it('pages the changed messages with Load more (the cursor of the last page)', async () => {
    const { backend, api, user } = await renderDrift();
    const { p, a } = known.runs;
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.selectOptions(screen.getByTestId('drift-run-a'), p.id);
    await user.selectOptions(screen.getByTestId('drift-run-b'), a.id);
    await waitFor(() => expect(screen.getByTestId('drift-matching').textContent).toContain(`${known.total} messages · 100 shown`));
    expect(screen.getAllByTestId('drift-row')).toHaveLength(100);
    const firstPage = await backend.handlers.compareRuns({ a: p.id, b: a.id, limit: 100 });
    expect(firstPage.nextCursor).not.toBeNull();
    await user.click(screen.getByTestId('drift-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('drift-row')).toHaveLength(known.total));
    expect(api.callsOf('compareRuns').at(-1)).toEqual({ a: p.id, b: a.id, cursor: firstPage.nextCursor, limit: 100 });
    expect(new Set(rowIds()).size).toBe(known.total);
    expect(screen.queryByTestId('drift-load-more')).toBeNull();
  });

  it('opens a message: both answers with the field diff and both traces side by side, as text only (no HTML from the message); j/k flip, Esc closes', async () => {
    const { api, user, container } = await renderDrift();
    const { a, b } = known.runs;
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.click(screen.getAllByTestId('drift-field-filter').find((f) => f.textContent === 'name')!);
    await waitFor(() => expect(rowIds()).toEqual([known.hostile.id]));
    expect(screen.getByTestId('drift-row').textContent).toContain(DEMO.hostile.subject);
    expect(container.querySelector('img, script')).toBeNull();

    // j moves onto the first row and focuses the table; Enter opens it.
    await user.keyboard('j');
    await waitFor(() => expect(screen.getAllByTestId('drift-row')[0]!.getAttribute('aria-selected')).toBe('true'));
    expect(document.activeElement).toBe(screen.getByTestId('drift-rows'));
    await user.keyboard('{Enter}');
    const view = await screen.findByTestId('drift-pair');
    await within(view).findByTestId('drift-diff');
    expect(api.callsOf('getRunPair')[0]).toEqual({ a: a.id, b: b.id, messageId: known.hostile.id });

    expect(within(view).getByTestId('drift-pair-message').textContent).toContain(DEMO.hostile.text.split('\n')[1]);
    expect(within(view).getByTestId('drift-pair-message').textContent).toContain(DEMO.hostile.subject);
    const renamedFrom = known.renamed.get(DEMO.hostile.text)!;
    const lines = within(view).getAllByTestId('drift-diff-line');
    expect(lines.map((l) => [l.getAttribute('data-kind'), l.textContent])).toEqual(
      expect.arrayContaining([
        ['changed', `name: ${valueText(known.hostile.nameA as string | null)} → ${EVIL}`],
        ['removed', `urgency: only in A ${renamedFrom}`],
      ]),
    );
    const rows = within(view).getAllByTestId('drift-output-row');
    expect(rows.find((r) => r.getAttribute('data-field') === 'name')!.getAttribute('data-changed')).toBe('true');
    // Both traces: the inbox's Why panel on each side, provider and model, validity errors, the raw answer as text.
    const sideA = within(view).getByTestId('drift-side-a');
    const sideB = within(view).getByTestId('drift-side-b');
    expect(within(sideA).getByTestId('why-provider').textContent).toBe('openai');
    expect(within(sideA).getByTestId('why-model').textContent).toBe('casebook-test-1');
    expect(within(sideB).getByTestId('why-model').textContent).toBe(MINI);
    expect(within(sideA).queryByTestId('drift-side-errors')).toBeNull();
    // The key outside the schema is dropped from B's output and named in its errors; the raw answer has it.
    expect(within(sideB).getByTestId('drift-side-errors').textContent).toContain('priority');
    // The diff names it too, on the side that answered it, and the outputs table has its row.
    expect(within(view).getByTestId('drift-diff-dropped').textContent).toBe('priority: answered only in B, and dropped there as no field of the schema');
    const priorityRow = rows.find((r) => r.getAttribute('data-field') === 'priority')!;
    expect(priorityRow.getAttribute('data-changed')).toBe('true');
    expect(within(priorityRow).getByTestId('drift-value-dropped')).toBeTruthy();
    expect(JSON.parse(sideB.querySelector('.why-raw pre')!.textContent!)).toMatchObject({ name: EVIL, priority: renamedFrom });
    expect(within(sideA).getAllByTestId('why-precedents').length + within(sideA).queryAllByText('No precedent was close enough to show.').length).toBe(1);
    expect(container.querySelector('img, script')).toBeNull();

    // Unfiltered: Enter opens the first changed message, j flips to the next while open; Esc goes back to the table.
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('drift-pair')).toBeNull());
    await user.click(screen.getByTestId('drift-filter-clear'));
    await waitFor(() => expect(screen.getAllByTestId('drift-row')).toHaveLength(changedCount()));
    const [first, second] = rowIds();
    screen.getByTestId('drift-rows').focus();
    await user.keyboard('j');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(api.callsOf('getRunPair').at(-1)).toEqual({ a: a.id, b: b.id, messageId: first }));
    await within(await screen.findByTestId('drift-pair')).findByTestId('drift-diff');
    await user.keyboard('j');
    await waitFor(() => expect(api.callsOf('getRunPair').at(-1)).toEqual({ a: a.id, b: b.id, messageId: second }));
    await within(screen.getByTestId('drift-pair')).findByTestId('drift-diff');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('drift-pair')).toBeNull());
    expect(screen.getAllByTestId('drift-row')[1]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('k');
    expect(screen.getAllByTestId('drift-row')[0]!.getAttribute('aria-selected')).toBe('true');
  });

  it('“Open in review” goes to the message in the inbox', async () => {
    const { stores, user } = await renderDrift();
    const row = (await screen.findAllByTestId('drift-row', {}, { timeout: 5000 }))[0]!;
    const id = row.getAttribute('data-message-id');
    await user.click(row);
    await user.click(await screen.findByTestId('drift-open-in-review'));
    await waitFor(() => expect(stores.navigation.getState().screen).toBe('inbox'));
    expect(screen.queryByTestId('drift-screen')).toBeNull();
    await waitFor(() => expect(stores.inbox.getState().selectedId).toBe(id));
  });

  it('starts a comparison run against a version, provider and model; its progress shows, and when done it becomes B', async () => {
    const backend = await startBackend({ from: workspace() });
    // A slow model, so the run is seen on its way.
    await startScriptedModel(backend, { answer: plain, latencyMs: 30 });
    const { api, user } = await renderDrift({ backend });
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.click(screen.getByTestId('drift-new-run'));
    const dialog = await screen.findByTestId('drift-new-run-dialog');
    await user.selectOptions(within(dialog).getByTestId('drift-new-run-provider'), 'openai');
    const model = within(dialog).getByTestId('drift-new-run-model');
    await user.clear(model);
    await user.type(model, MINI);
    await user.click(within(dialog).getByTestId('drift-new-run-start'));
    await waitFor(() => expect(screen.queryByTestId('drift-new-run-dialog')).toBeNull());
    expect(api.callsOf('startRun')).toEqual([{ selection: { all: true }, against: { version: 'draft', provider: 'openai', model: MINI } }]);
    const started = (await backend.handlers.listRuns({ limit: 1 }))[0]!;
    expect(started).toMatchObject({ kind: 'compare', model: MINI });
    expect(screen.getByTestId('drift-pending').textContent).toMatch(new RegExp(`\\d+ of ${known.total} messages`));

    // The backend's own runProgress events move it on, then it becomes B beside A.
    await waitFor(() => expect(screen.getByTestId('drift-pending').textContent).toMatch(new RegExp(`^.*\\b([1-9]\\d*) of ${known.total} messages`)), { timeout: 15_000 });
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ a: known.runs.a.id, b: started.id }), { timeout: 30_000 });
    expect(screen.queryByTestId('drift-pending')).toBeNull();
    await waitFor(() => expect((screen.getByTestId('drift-run-b') as HTMLSelectElement).value).toBe(started.id));
    // Plain answers again, as A's: nothing changed.
    await waitFor(() => expect(screen.getByTestId('drift-changed').textContent).toBe('0changed (0%)'));
  }, 60_000);

  it('a comparison run that ends before its start is answered still becomes B (its end event is not lost)', async () => {
    const backend = await startBackend({ from: workspace() });
    await startScriptedModel(backend, { answer: plain });
    // The host answers startRun only after the run's end has reached the window, as a fast run can on a busy machine: the real answer, held back.
    const ended = nextEvent(backend.api, 'runProgress', (e) => e.status === 'done');
    const { api, user } = await renderDrift({ backend: { ...backend, api: answerLate(backend.api, 'startRun', async () => void (await ended)) } as TestBackend });
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.click(screen.getByTestId('drift-new-run'));
    const dialog = await screen.findByTestId('drift-new-run-dialog');
    await user.selectOptions(within(dialog).getByTestId('drift-new-run-provider'), 'openai');
    await user.click(within(dialog).getByTestId('drift-new-run-start'));
    const run = await ended;
    await waitFor(() => expect((screen.getByTestId('drift-run-b') as HTMLSelectElement).value).toBe(run.runId), { timeout: 15_000 });
    expect(screen.queryByTestId('drift-pending')).toBeNull();
    expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ b: run.runId });
  }, 60_000);

  it('with one finished run, a comparison run makes the pair: the run that was B becomes A', async () => {
    // The demo template: one finished run (its four scripted messages), the embedded provider.
    const backend = await startBackend();
    const [only] = await backend.handlers.listRuns({ limit: 100 });
    const { api, user } = await renderDrift({ backend });
    expect((await screen.findByTestId('drift-empty')).textContent).toContain('Two finished runs are needed');
    await user.click(screen.getByTestId('drift-new-run'));
    await user.click(within(await screen.findByTestId('drift-new-run-dialog')).getByTestId('drift-new-run-start'));
    expect(api.callsOf('startRun')).toEqual([{ selection: { all: true }, against: { version: 'draft', provider: 'embedded' } }]);
    await waitFor(() => expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ a: only!.id }), { timeout: 30_000 });
    const summary = await screen.findByTestId('drift-summary');
    // The messages both extracted: the four of the template's run.
    expect(within(summary).getByTestId('drift-overlap').textContent).toContain(String(only!.total));
  }, 60_000);

  it('says so when a comparison run fails', async () => {
    const backend = await startBackend({ from: workspace() });
    // The provider refuses the (missing) API key: the run fails at once.
    await startScriptedModel(backend, { answer: plain, requireApiKey: 'sk-right' });
    const { user } = await renderDrift({ backend });
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.click(screen.getByTestId('drift-new-run'));
    await user.click(within(await screen.findByTestId('drift-new-run-dialog')).getByTestId('drift-new-run-start'));
    expect((await screen.findByTestId('drift-pending-error', {}, { timeout: 15_000 })).textContent).toContain(`The comparison run failed (0 of ${known.total} messages done).`);
  });

  it('says so when the runs cannot be compared, and when there are not two runs to compare', async () => {
    const { api, user } = await renderDrift();
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    api.failNext('compareRuns', { code: 'unavailable', message: 'the workspace is busy' });
    await user.click(screen.getByTestId('drift-swap'));
    const error = await screen.findByTestId('error-state');
    expect(error.textContent).toContain('the workspace is busy');
    await user.click(within(error).getByTestId('retry-button'));
    await screen.findByTestId('drift-summary');
  });

  it('says so when there are not two runs to compare', async () => {
    await renderDrift({ backend: await startBackend() });
    expect((await screen.findByTestId('drift-empty')).textContent).toContain('Two finished runs are needed');
  });

  it('lists its keys in the ? dialog', async () => {
    const { user } = await renderDrift();
    await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.keyboard('?');
    const dialog = await screen.findByTestId('shortcuts-dialog');
    const keys = within(dialog).getAllByTestId('shortcut-row').map((r) => r.getAttribute('data-key-id'));
    expect(keys).toEqual(expect.arrayContaining(['drift.next', 'drift.previous', 'drift.open', 'drift.close', 'drift.move']));
  });
});

describe('Drift › Compare runs: add a key outside the schema as an alias', () => {
  it('from the summary: applySchemaChange with the picked field, then a re-run of the changed messages with the key', async () => {
    const backend = await startBackend({ from: workspace() });
    await startScriptedModel(backend, { answer: plain });
    const { api, user } = await renderDrift({ backend });
    const summary = await screen.findByTestId('drift-summary', {}, { timeout: 5000 });
    await user.click(within(summary).getByTestId('drift-add-alias'));
    const dialog = await screen.findByTestId('drift-alias-dialog');
    const picker = within(dialog).getByTestId('drift-alias-field') as HTMLSelectElement;
    expect(picker.value).toBe('urgency');
    await user.selectOptions(picker, 'requested_action');
    await user.click(within(dialog).getByTestId('drift-alias-preview'));
    await user.click(await within(dialog).findByTestId('drift-alias-apply'));
    await within(dialog).findByTestId('drift-alias-done');
    const aliases = (await backend.handlers.getRulebook({})).schema.fields.find((f) => f.name === 'requested_action')!.aliases;
    expect(aliases?.at(-1)).toBe('priority');
    expect(api.callsOf('applySchemaChange')).toEqual([{ change: { op: 'update_field', field: 'requested_action', set: { aliases } }, confirm: false }]);

    await user.click(within(dialog).getByTestId('drift-alias-rerun-affected'));
    await waitFor(() => expect(api.callsOf('startRun')).toHaveLength(1));
    const rerun = api.callsOf('startRun')[0]!;
    expect(rerun.against).toBeUndefined();
    expect([...(rerun.selection as { ids: string[] }).ids].sort()).toEqual(ids(known.renamed.keys()));
    expect(api.callsOf('compareRuns').at(-1)).toMatchObject({ a: known.runs.a.id, b: known.runs.b.id, field: 'priority', limit: 500 });
  });
});
