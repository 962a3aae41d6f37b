// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../app/App';
import { createStores } from '../../stores';
import { startBackend } from '../../test/backend';
import type { DeploymentRecord } from '../../../../shared/src/api/records.js';
import type { RuntimeStatus } from '../../../../shared/src/service/types.js';
import { createPublishFake, HASH, versionRecord } from '../publish/fakePublishApi';
import { POLL_INTERVAL_MS } from './DeploymentsScreen';
import { groupDeployments, labelOfSource } from './groups';

function status(version: number, source: string, lastError: RuntimeStatus['lastError'] = null): RuntimeStatus {
  return {
    format: 'casebook-status/1',
    service: 'svc',
    runtimeVersion: '0.1.0',
    startedAt: '2026-02-01T08:00:00Z',
    active: { id: 'tidewell-support', version, hash: HASH(version), keyId: '0123456789abcdef', since: '2026-02-01T09:00:00Z', source },
    lastError,
    counts: { extractions: 120, invalid: 2, errors: 0, traceLinesDropped: 0 },
  };
}

const deployment = (id: string, name: string, extra: Partial<DeploymentRecord>): DeploymentRecord => ({
  id,
  name,
  statusUrl: `http://${name}.internal:8080/casebook/status`,
  lastPolledAt: '2026-02-01T10:00:00Z',
  status: null,
  error: null,
  version: null,
  labels: [],
  ...extra,
});

const LABELS = {
  labels: [
    { label: 'production', version: 3, hash: HASH(3), setBy: 'Priya', setAt: '2026-02-01T09:00:00Z' },
    { label: 'staging', version: 3, hash: HASH(3), setBy: 'Priya', setAt: '2026-02-01T09:00:00Z' },
  ],
  moves: [],
};

const SERVICES = [
  deployment('d1', 'checkout-api', { status: status(3, '/srv/rulebooks/production.json'), version: 3, labels: ['production', 'staging'] }),
  deployment('d2', 'billing-worker', {
    status: status(2, '/srv/rulebooks/production.json', { at: '2026-02-01T09:30:00Z', message: 'signature does not verify with key 0123456789abcdef', source: '/srv/rulebooks/production.json', rulebook: { version: 3 } }),
    version: 2,
  }),
  deployment('d3', 'search-svc', { error: 'connect ECONNREFUSED 10.0.0.7:8080' }),
];

async function renderDeployments(deployments: DeploymentRecord[]) {
  const backend = await startBackend();
  const fake = createPublishFake(backend.api, { versions: [versionRecord(1), versionRecord(2), versionRecord(3)], labels: LABELS, deployments });
  const stores = createStores(fake.api, { screen: 'deployments' });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  await screen.findByTestId('deployments-screen');
  return { fake, user, ...result };
}

describe('Deployments screen', () => {
  it('polls on open and shows, per label, each service’s version with a match or mismatch, refused versions and services that did not answer', async () => {
    const { fake, user } = await renderDeployments(SERVICES);
    const groups = await screen.findAllByTestId('deployment-group');
    expect(fake.callsOf('pollDeployments')).toHaveLength(1);
    const production = groups.find((g) => g.getAttribute('data-label') === 'production')!;
    expect(within(production).getByTestId('deployment-summary').textContent).toBe('production → v3: checkout-api runs v3 ✓, billing-worker runs v2 ✗');
    const services = within(production).getAllByTestId('deployment-service');
    expect(services.map((s) => [s.getAttribute('data-service'), s.getAttribute('data-match')])).toEqual([
      ['checkout-api', 'true'],
      ['billing-worker', 'false'],
    ]);
    expect(within(services[1]!).getByTestId('deployment-refused').textContent).toContain('Refused v3');
    expect(within(services[1]!).getByTestId('deployment-refused').textContent).toContain('signature does not verify with key 0123456789abcdef');
    expect(within(services[1]!).getByTestId('deployment-refused').textContent).toContain('It keeps serving v2');
    expect(services[0]!.textContent).toContain('since');

    const staging = groups.find((g) => g.getAttribute('data-label') === 'staging')!;
    expect(within(staging).getByTestId('deployment-summary').textContent).toBe('staging → v3: no service reports following it');
    const other = groups.find((g) => g.getAttribute('data-label') === '')!;
    expect(within(other).getByTestId('deployment-poll-error').textContent).toContain('connect ECONNREFUSED 10.0.0.7:8080');

    await user.click(screen.getByTestId('deployments-refresh'));
    await waitFor(() => expect(fake.callsOf('pollDeployments')).toHaveLength(2));
  });

  it('polls again every 15 seconds while open, and stops when left', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { fake, user } = await renderDeployments(SERVICES);
      await screen.findAllByTestId('deployment-group');
      expect(fake.callsOf('pollDeployments')).toHaveLength(1);
      vi.advanceTimersByTime(POLL_INTERVAL_MS);
      await waitFor(() => expect(fake.callsOf('pollDeployments')).toHaveLength(2));
      await user.click(screen.getByTestId('nav-history'));
      await screen.findByTestId('history-screen');
      vi.advanceTimersByTime(POLL_INTERVAL_MS * 2);
      expect(fake.callsOf('pollDeployments')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('adds a service by name and status URL, and says when there is none yet', async () => {
    const { fake, user } = await renderDeployments([]);
    expect(await screen.findByTestId('deployments-empty')).toBeTruthy();
    await user.click(screen.getByTestId('deployment-add'));
    const dialog = await screen.findByTestId('deployment-dialog');
    await user.type(within(dialog).getByTestId('deployment-name'), 'checkout-api');
    await user.type(within(dialog).getByTestId('deployment-url'), 'http://checkout-api.internal:8080/casebook/status');
    await user.click(within(dialog).getByTestId('deployment-save'));
    await waitFor(() => expect(fake.callsOf('saveDeployment')).toEqual([{ name: 'checkout-api', statusUrl: 'http://checkout-api.internal:8080/casebook/status' }]));
    const service = await screen.findByTestId('deployment-service');
    expect(service.getAttribute('data-service')).toBe('checkout-api');
  });

  it('a malformed report (no counts, numbers and objects where text goes) is shown as far as it can be, never breaking the screen', async () => {
    const bad = {
      format: 'casebook-status/1',
      service: 7,
      active: { id: 'tidewell-support', version: 'x', hash: 42, since: { at: 1 }, source: ['/srv/rulebooks/production.json'] },
      lastError: { at: 5, message: { html: '<b>x</b>' }, source: 9, rulebook: 'v3' },
    } as unknown as RuntimeStatus;
    const odd = deployment('d9', 'odd-svc', { status: bad, error: { no: 'text' } as unknown as string });
    await renderDeployments([...SERVICES, odd]);
    const service = (await screen.findAllByTestId('deployment-service')).find((s) => s.getAttribute('data-service') === 'odd-svc')!;
    expect(within(service).getByTestId('deployment-runs').textContent).toBe('runs a version this workspace did not publish (version unknown, hash ?)');
    expect(service.textContent).not.toContain('extractions');
    expect(within(service).getByTestId('deployment-refused').textContent).toContain('Refused a version at — (unknown source): ');
    expect(service.textContent).not.toContain('[object Object]');
    expect(within(service).getByTestId('deployment-poll-error').textContent).toBe('The service did not answer: ');
    // The well-formed services are still shown as before.
    expect(screen.getAllByTestId('deployment-service').map((s) => s.getAttribute('data-service'))).toContain('checkout-api');
  });

  it('shows a poll that failed as an error with a retry', async () => {
    const backend = await startBackend();
    const fake = createPublishFake(backend.api, { labels: LABELS });
    fake.failNext('pollDeployments', { code: 'unavailable', message: 'The workspace is busy.' });
    fake.failNext('listDeployments', { code: 'unavailable', message: 'The workspace is busy.' });
    render(<App stores={createStores(fake.api, { screen: 'deployments' })} />);
    expect((await screen.findByTestId('error-state')).textContent).toContain('The workspace is busy.');
  });
});

describe('grouping deployments by label', () => {
  it('takes the label from the file a service loads', () => {
    expect(labelOfSource('/srv/rulebooks/production.json', ['production', 'staging'])).toBe('production');
    expect(labelOfSource('https://cfg.example.com/rb/staging.json?x=1', ['production', 'staging'])).toBe('staging');
    expect(labelOfSource('C:\\rulebooks\\production.json', ['production'])).toBe('production');
    expect(labelOfSource('/srv/rulebooks/rulebook-v3.json', ['production'])).toBeNull();
    expect(labelOfSource(null, ['production'])).toBeNull();
    expect(labelOfSource(['production.json'], ['production'])).toBeNull();
  });

  it('puts a service in its label’s group, matched by hash, and the rest apart', () => {
    const { groups, other } = groupDeployments(LABELS.labels, SERVICES);
    expect(groups.map((g) => [g.label, g.services.map((s) => [s.deployment.name, s.match])])).toEqual([
      [
        'production',
        [
          ['checkout-api', true],
          ['billing-worker', false],
        ],
      ],
      ['staging', []],
    ]);
    expect(other.map((d) => d.name)).toEqual(['search-svc']);
  });
});
