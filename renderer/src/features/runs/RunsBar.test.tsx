// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { parseMessageFromChat, type ScriptedServer } from '../../../../shared/testkit/scripted-server.js';
import { startBackend, type TestBackend } from '../../test/backend';
import { rows } from '../../test/inbox';
import { startScriptedModel } from '../../test/model';
import { answerLate, nextEvent } from '../../test/prepared';
import { renderApp } from '../../test/render';

/**
 * A cancelled run lets the extractions in flight finish for a grace period (seconds) before it ends,
 * and a resume waits for that. Closing the hung model ends them now; a new one hangs again.
 */
async function dropHungRequests(backend: TestBackend, hung: ScriptedServer): Promise<void> {
  await hung.close();
  await startScriptedModel(backend, { hang: true });
}

describe('Runs bar', () => {
  it('follows runProgress events: counts, rate, time left; cancel, then resume', async () => {
    // A model that never answers: nothing moves the bar but the events sent below, and cancel and resume.
    const backend = await startBackend();
    const hung = await startScriptedModel(backend, { hang: true });
    const { api, user } = await renderApp({ backend });
    await screen.findAllByTestId('inbox-row');
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-all'));
    const bar = await screen.findByTestId('run-progress');
    const runId = screen.getByTestId('runs-bar').getAttribute('data-run-id')!;
    expect(bar.getAttribute('data-total')).toBe('141');
    expect(bar.getAttribute('data-done')).toBe('0');

    act(() => api.emit('runProgress', { runId, done: 10, failed: 2, total: 141, ratePerSecond: 4, etaSeconds: 7, status: 'running' }));
    await waitFor(() => expect(bar.getAttribute('data-done')).toBe('10'));
    expect(bar.getAttribute('data-failed')).toBe('2');
    expect((bar as HTMLProgressElement).value).toBe(12);
    expect(screen.getByTestId('run-counts').textContent).toContain('12 of 141 messages');
    expect(screen.getByTestId('run-counts').textContent).toContain('2 failed');
    expect(screen.getByTestId('run-rate').textContent).toBe('4.0/s · 7 s left');

    await user.click(screen.getByTestId('run-cancel'));
    await waitFor(() => expect(screen.getByTestId('runs-bar').getAttribute('data-status')).toBe('cancelled'));
    expect(api.callsOf('cancelRun')).toEqual([{ runId }]);
    expect((await api.getRun({ runId })).status).toBe('cancelled');
    await dropHungRequests(backend, hung);
    await user.click(screen.getByTestId('run-resume'));
    await waitFor(() => expect(screen.getByTestId('runs-bar').getAttribute('data-status')).toBe('running'));
    expect(api.callsOf('resumeRun')).toEqual([{ runId }]);
    expect((await api.getRun({ runId })).status).toBe('running');
    expect(screen.getByTestId('run-cancel')).toBeTruthy();
  });

  it('lists per-message errors and retries them', async () => {
    const backend = await startBackend();
    // The model answers the first request with a 500 (not retried), then normally.
    const model = await startScriptedModel(backend, { serverError: { times: 1, status: 500 } });
    const { api, user } = await renderApp({ backend });
    await screen.findAllByTestId('inbox-row');
    await user.selectOptions(screen.getByTestId('status-filter'), 'needs_review');
    // The invalid answer and what the embedded provider was unsure of (the list shows at most 20 rows at once).
    const queued = (await backend.handlers.listMessages({ status: 'needs_review', limit: 500 })).total;
    await waitFor(() => expect(rows()).toHaveLength(Math.min(queued, 20)));
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-filter'));
    const errors = await screen.findByTestId('run-errors');
    const listed = within(errors).getAllByTestId('run-error').map((e) => e.getAttribute('data-message-id')!);
    expect(listed).toHaveLength(1);
    // The message whose request the model refused.
    const refused = model.chatRequests.find((r) => r.outcome === 500)!;
    const { subject } = parseMessageFromChat((refused.body as { messages?: unknown }).messages);
    expect((await api.getMessage({ id: listed[0]! })).message.subject).toBe(subject);
    expect(errors.textContent).toContain('500');
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(screen.getByTestId('run-progress').getAttribute('data-failed')).toBe('1');

    await user.click(screen.getByTestId('run-retry'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-done')).toBe(String(queued)));
    await waitFor(() => expect(screen.queryByTestId('run-errors')).toBeNull());
    expect(screen.getByTestId('run-progress').getAttribute('data-failed')).toBe('0');
    expect(model.chatRequests.filter((r) => r.outcome === 200)).toHaveLength(queued);
  });

  it('offers to resume a run that was cancelled before the window opened', async () => {
    const backend = await startBackend();
    const hung = await startScriptedModel(backend, { hang: true });
    const run = await backend.api.startRun({ selection: { filter: { status: 'extracted' } } });
    await backend.api.cancelRun({ runId: run.id });
    await dropHungRequests(backend, hung);
    const { user } = await renderApp({ backend });
    const bar = await screen.findByTestId('runs-bar');
    expect(bar.getAttribute('data-run-id')).toBe(run.id);
    expect(bar.getAttribute('data-status')).toBe('cancelled');
    await user.click(within(bar).getByTestId('run-resume'));
    await waitFor(() => expect(screen.getByTestId('runs-bar').getAttribute('data-status')).toBe('running'));
  });

  it('re-runs the messages matching the current filter', async () => {
    const { api, user, backend } = await renderApp();
    await screen.findAllByTestId('inbox-row');
    await user.selectOptions(screen.getByTestId('status-filter'), 'needs_review');
    const queued = (await backend.handlers.listMessages({ status: 'needs_review', limit: 500 })).total;
    await waitFor(() => expect(rows()).toHaveLength(Math.min(queued, 20)));
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-filter'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-total')).toBe(String(queued)));
    expect(api.callsOf('startRun')).toEqual([{ selection: { filter: { status: 'needs_review' } } }]);
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(screen.getByTestId('run-progress').getAttribute('data-done')).toBe(String(queued));
    expect(screen.queryByTestId('run-cancel')).toBeNull();
  });

  it('a run that ends before its start is answered is shown done (its end event, come first, is not overwritten)', async () => {
    const backend = await startBackend();
    const ended = nextEvent(backend.api, 'runProgress', (e) => e.status === 'done');
    const { user } = await renderApp({ backend: { ...backend, api: answerLate(backend.api, 'startRun', async () => void (await ended)) } as TestBackend });
    await screen.findAllByTestId('inbox-row');
    await user.selectOptions(screen.getByTestId('status-filter'), 'needs_review');
    const queued = (await backend.handlers.listMessages({ status: 'needs_review', limit: 500 })).total;
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-filter'));
    await ended;
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(screen.getByTestId('run-progress').getAttribute('data-done')).toBe(String(queued));
    // Still done once startRun's (older) answer has arrived.
    await new Promise((r) => setTimeout(r, 200));
    expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done');
  });
});

describe('Bulk re-run', () => {
  it('re-runs the ticked messages (by click and by x)', async () => {
    const { api, user } = await renderApp();
    const shown = await screen.findAllByTestId('inbox-row');
    await user.click(within(shown[1]!).getByTestId('inbox-row-check'));
    // Ticking does not open the message; x ticks the open one.
    expect(screen.queryByTestId('message-detail')).toBeNull();
    await user.click(shown[3]!);
    await user.keyboard('x');
    expect(screen.getByTestId('inbox-checked-count').textContent).toContain('2 selected');
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-checked'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(api.callsOf('startRun')).toEqual([{ selection: { ids: [shown[1]!.getAttribute('data-message-id'), shown[3]!.getAttribute('data-message-id')] } }]);
    expect(screen.getByTestId('run-progress').getAttribute('data-done')).toBe('2');
  });
});
