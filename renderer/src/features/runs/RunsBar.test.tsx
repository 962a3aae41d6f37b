// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockApi } from '../../api/mock';
import { demoData } from '../../api/mockData';
import { renderApp } from '../../test/render';

describe('Runs bar', () => {
  it('follows runProgress events: counts, rate, time left; cancel, then resume', async () => {
    // A slow mock run, so the events below are what moves the bar.
    const api = createMockApi(demoData({ count: 40 }), { runStepMs: 60_000 });
    const { user } = renderApp({ api });
    await screen.findAllByTestId('inbox-row');
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-all'));
    const bar = await screen.findByTestId('run-progress');
    const runId = screen.getByTestId('runs-bar').getAttribute('data-run-id')!;
    expect(bar.getAttribute('data-total')).toBe('40');
    expect(bar.getAttribute('data-done')).toBe('0');

    act(() => api.emit('runProgress', { runId, done: 10, failed: 2, total: 40, ratePerSecond: 4, etaSeconds: 7, status: 'running' }));
    expect(bar.getAttribute('data-done')).toBe('10');
    expect(bar.getAttribute('data-failed')).toBe('2');
    expect((bar as HTMLProgressElement).value).toBe(12);
    expect(screen.getByTestId('run-counts').textContent).toContain('12 of 40 messages');
    expect(screen.getByTestId('run-counts').textContent).toContain('2 failed');
    expect(screen.getByTestId('run-rate').textContent).toBe('4.0/s · 7 s left');

    await user.click(screen.getByTestId('run-cancel'));
    await waitFor(() => expect(screen.getByTestId('runs-bar').getAttribute('data-status')).toBe('cancelled'));
    expect(api.calls.find((c) => c.method === 'cancelRun')?.args).toEqual({ runId });
    await user.click(screen.getByTestId('run-resume'));
    await waitFor(() => expect(screen.getByTestId('runs-bar').getAttribute('data-status')).toBe('running'));
    expect(api.calls.find((c) => c.method === 'resumeRun')?.args).toEqual({ runId });

    act(() => api.emit('runProgress', { runId, done: 40, failed: 0, total: 40, ratePerSecond: 5, etaSeconds: 0, status: 'done' }));
    expect(bar.getAttribute('data-done')).toBe('40');
    expect(screen.getByTestId('runs-bar').getAttribute('data-status')).toBe('done');
    expect(screen.queryByTestId('run-cancel')).toBeNull();
  });

  it('lists per-message errors and retries them', async () => {
    const data = demoData();
    const api = createMockApi(data);
    const failing = data.messages[1]!.id;
    api.state.failing.add(failing);
    const { user } = renderApp({ api });
    await screen.findAllByTestId('inbox-row');
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-all'));
    const errors = await screen.findByTestId('run-errors');
    expect(within(errors).getAllByTestId('run-error').map((e) => e.getAttribute('data-message-id'))).toEqual([failing]);
    expect(errors.textContent).toContain('500');
    expect(screen.getByTestId('run-progress').getAttribute('data-failed')).toBe('1');

    api.state.failing.clear();
    await user.click(screen.getByTestId('run-retry'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-done')).toBe(String(data.messages.length)));
    await waitFor(() => expect(screen.queryByTestId('run-errors')).toBeNull());
    expect(screen.getByTestId('run-progress').getAttribute('data-failed')).toBe('0');
  });

  it('offers to resume a run that was cancelled before the window opened', async () => {
    const api = createMockApi(demoData({ count: 20 }), { runStepMs: 60_000 });
    const run = await api.startRun({ selection: { filter: { status: 'extracted' } } });
    await api.cancelRun({ runId: run.id });
    const { user } = renderApp({ api });
    const bar = await screen.findByTestId('runs-bar');
    expect(bar.getAttribute('data-run-id')).toBe(run.id);
    expect(bar.getAttribute('data-status')).toBe('cancelled');
    await user.click(within(bar).getByTestId('run-resume'));
    await waitFor(() => expect(screen.getByTestId('runs-bar').getAttribute('data-status')).toBe('running'));
  });

  it('re-runs the messages matching the current filter', async () => {
    const { api, user } = renderApp();
    await screen.findAllByTestId('inbox-row');
    await user.selectOptions(screen.getByTestId('status-filter'), 'needs_review');
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')).toHaveLength(2));
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-filter'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-total')).toBe('2'));
    expect(api.calls.find((c) => c.method === 'startRun')?.args).toEqual({ selection: { filter: { status: 'needs_review' } } });
  });
});

describe('Bulk re-run', () => {
  it('re-runs the ticked messages (by click and by x)', async () => {
    const { api, user } = renderApp();
    const rows = await screen.findAllByTestId('inbox-row');
    await user.click(within(rows[1]!).getByTestId('inbox-row-check'));
    // Ticking does not open the message; x ticks the open one.
    expect(screen.queryByTestId('message-detail')).toBeNull();
    await user.click(rows[3]!);
    await user.keyboard('x');
    expect(screen.getByTestId('inbox-checked-count').textContent).toContain('2 selected');
    await user.click(screen.getByText('Re-run…'));
    await user.click(screen.getByTestId('rerun-checked'));
    await waitFor(() => expect(screen.getByTestId('run-progress').getAttribute('data-status')).toBe('done'));
    expect(api.calls.find((c) => c.method === 'startRun')?.args).toEqual({ selection: { ids: [rows[1]!.getAttribute('data-message-id'), rows[3]!.getAttribute('data-message-id')] } });
  });
});
