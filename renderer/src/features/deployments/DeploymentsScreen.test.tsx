// @vitest-environment jsdom
// The Deployments screen over the real backend: the demo published as v1 and v2 (production and
// staging on v2) once per file, and real services on 127.0.0.1 answering the runtime's own status
// report (shared/src/service/status.ts) for the versions this workspace exported: checkout-api
// serving v2, billing-worker still serving v1 after refusing v2, a report that is not one, and a
// port nobody listens on. The backend polls them over HTTP as it polls production.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Rule, RulebookArtifact } from '../../../../shared/src/domain.js';
import type { DeploymentRecord } from '../../../../shared/src/api/records.js';
import type { RuntimeStatus } from '../../../../shared/src/service/types.js';
import { createStatusReporter, statusHandler } from '../../../../shared/src/service/status.js';
import { App } from '../../app/App';
import { createStores } from '../../stores';
import { startBackend } from '../../test/backend';
import { preparedWorkspace, publish } from '../../test/prepared';
import { POLL_INTERVAL_MS } from './DeploymentsScreen';
import { groupDeployments, labelOfSource } from './groups';

const SOURCE = '/srv/rulebooks/production.json';
/** The versions the arranging published, as the services load them (the exported, signed files). */
const artifacts: RulebookArtifact[] = [];

const workspace = preparedWorkspace(async ({ handlers: h }) => {
  expect(await publish(h, 'release 1')).toBe(1);
  // A rule no message triggers: a draft of its own for v2, answering as v1 does.
  const rule: Rule = { id: 'r-test-unused', kind: 'override', when: { kind: 'contains_any', phrases: ['zz-no-message-says-this-zz'] }, set: { urgency: 'low' }, rationale: '', enabled: true, provenance: { precedentIds: [], author: 'test', createdAt: '2026-03-20T00:00:00Z' } };
  await h.saveRule({ rule });
  expect(await publish(h, 'release 2')).toBe(2);
  await h.setLabel({ label: 'production', version: 2, reason: '' });
  await h.setLabel({ label: 'staging', version: 2, reason: '' });
  for (const version of [1, 2]) artifacts.push(JSON.parse((await h.exportVersion({ version })).content) as RulebookArtifact);
}, 180_000);

/** Services answering status reports under /<name>/casebook/status, and what each reports. */
let server: Server;
let base = '';
let closedPort = 0;
const reports = new Map<string, () => unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    for (const [name, report] of reports) {
      if (statusHandler({ status: report as () => RuntimeStatus }, { path: `/${name}/casebook/status` })(req, res)) return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free: nothing answers there.
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  closedPort = (gone.address() as AddressInfo).port;
  await new Promise<void>((r) => gone.close(() => r()));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** checkout-api serves v2; billing-worker refused v2 (a key it does not trust) and keeps serving v1. */
function arrangeServices() {
  const [v1, v2] = artifacts as [RulebookArtifact, RulebookArtifact];
  const checkout = createStatusReporter({ service: 'checkout-api' });
  checkout.loaded(v2, SOURCE);
  const billing = createStatusReporter({ service: 'billing-worker' });
  billing.loaded(v1, SOURCE);
  const refusal = `signature does not verify with key ${v2.signature?.keyId ?? '?'}`;
  billing.refused(refusal, SOURCE, { version: v2.version, hash: v2.hash });
  reports.set('checkout-api', () => checkout.status());
  reports.set('billing-worker', () => billing.status());
  return { refusal };
}

const SERVICES = () => [
  { name: 'checkout-api', statusUrl: `${base}/checkout-api/casebook/status` },
  { name: 'billing-worker', statusUrl: `${base}/billing-worker/casebook/status` },
  { name: 'search-svc', statusUrl: `http://127.0.0.1:${closedPort}/casebook/status` },
];

async function renderDeployments(services: { name: string; statusUrl: string }[], before?: (api: Awaited<ReturnType<typeof startBackend>>['api']) => void) {
  const backend = await startBackend({ from: workspace() });
  for (const s of services) await backend.handlers.saveDeployment(s);
  before?.(backend.api);
  const stores = createStores(backend.api, { screen: 'deployments' });
  const user = userEvent.setup();
  const result = render(<App stores={stores} />);
  await screen.findByTestId('deployments-screen');
  return { api: backend.api, backend, user, ...result };
}

describe('Deployments screen', () => {
  it('polls on open and shows, per label, each service’s version with a match or mismatch, refused versions and services that did not answer', async () => {
    const { refusal } = arrangeServices();
    const { api, user } = await renderDeployments(SERVICES());
    const groups = await screen.findAllByTestId('deployment-group');
    expect(api.callsOf('pollDeployments')).toHaveLength(1);
    const production = groups.find((g) => g.getAttribute('data-label') === 'production')!;
    expect(within(production).getByTestId('deployment-summary').textContent).toBe('production → v2: billing-worker runs v1 ✗, checkout-api runs v2 ✓');
    const services = within(production).getAllByTestId('deployment-service');
    // The backend lists services by name.
    expect(services.map((s) => [s.getAttribute('data-service'), s.getAttribute('data-match')])).toEqual([
      ['billing-worker', 'false'],
      ['checkout-api', 'true'],
    ]);
    const refused = within(services[0]!).getByTestId('deployment-refused').textContent;
    expect(refused).toContain('Refused v2');
    expect(refused).toContain(`(${SOURCE}): ${refusal}`);
    expect(refused).toContain('It keeps serving v1');
    expect(services[1]!.textContent).toContain('since');
    expect(within(services[1]!).queryByTestId('deployment-refused')).toBeNull();

    const staging = groups.find((g) => g.getAttribute('data-label') === 'staging')!;
    expect(within(staging).getByTestId('deployment-summary').textContent).toBe('staging → v2: no service reports following it');
    const other = groups.find((g) => g.getAttribute('data-label') === '')!;
    expect(within(other).getByTestId('deployment-poll-error').textContent).toContain('ECONNREFUSED');

    await user.click(screen.getByTestId('deployments-refresh'));
    await waitFor(() => expect(api.callsOf('pollDeployments')).toHaveLength(2));
  });

  it('polls again every 15 seconds while open, and stops when left', async () => {
    arrangeServices();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { api, user } = await renderDeployments(SERVICES());
      await screen.findAllByTestId('deployment-group');
      expect(api.callsOf('pollDeployments')).toHaveLength(1);
      vi.advanceTimersByTime(POLL_INTERVAL_MS);
      await waitFor(() => expect(api.callsOf('pollDeployments')).toHaveLength(2));
      await user.click(screen.getByTestId('nav-history'));
      await screen.findByTestId('history-screen');
      vi.advanceTimersByTime(POLL_INTERVAL_MS * 2);
      expect(api.callsOf('pollDeployments')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('adds a service by name and status URL, and says when there is none yet', async () => {
    arrangeServices();
    const { api, user } = await renderDeployments([]);
    expect(await screen.findByTestId('deployments-empty')).toBeTruthy();
    await user.click(screen.getByTestId('deployment-add'));
    const dialog = await screen.findByTestId('deployment-dialog');
    const url = `${base}/checkout-api/casebook/status`;
    await user.type(within(dialog).getByTestId('deployment-name'), 'checkout-api');
    await user.type(within(dialog).getByTestId('deployment-url'), url);
    await user.click(within(dialog).getByTestId('deployment-save'));
    await waitFor(() => expect(api.callsOf('saveDeployment')).toEqual([{ name: 'checkout-api', statusUrl: url }]));
    const service = await screen.findByTestId('deployment-service');
    expect(service.getAttribute('data-service')).toBe('checkout-api');
    expect((await api.listDeployments({})).map((d) => [d.name, d.statusUrl])).toEqual([['checkout-api', url]]);
  });

  it('a malformed report (no counts, numbers and objects where text goes, HTML) is refused as not a status report, never breaking the screen', async () => {
    arrangeServices();
    reports.set('odd-svc', () => ({
      format: 'casebook-status/1',
      service: 7,
      active: { id: 'tidewell-support', version: 'x', hash: 42, since: { at: 1 }, source: ['<b>x</b>'] },
      lastError: { at: 5, message: { html: '<b>x</b>' }, source: 9, rulebook: 'v3' },
    }));
    const { container } = await renderDeployments([...SERVICES(), { name: 'odd-svc', statusUrl: `${base}/odd-svc/casebook/status` }]);
    const service = await waitFor(() => (screen.getAllByTestId('deployment-service')).find((s) => s.getAttribute('data-service') === 'odd-svc')!);
    expect(within(service).getByTestId('deployment-poll-error').textContent).toBe('The service did not answer: not a Casebook status report');
    expect(within(service).getByTestId('deployment-runs').textContent).toBe('did not answer');
    expect(service.textContent).not.toContain('[object Object]');
    expect(container.querySelector('b')).toBeNull();
    // The well-formed services are still shown as before.
    expect(screen.getAllByTestId('deployment-service').map((s) => s.getAttribute('data-service'))).toEqual(expect.arrayContaining(['checkout-api', 'billing-worker', 'search-svc']));
  });

  it('shows a poll that failed as an error with a retry', async () => {
    await renderDeployments([], (api) => {
      api.failNext('pollDeployments', { code: 'unavailable', message: 'The workspace is busy.' });
      api.failNext('listDeployments', { code: 'unavailable', message: 'The workspace is busy.' });
    });
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

  it('puts a service in its label’s group, matched by hash, and the rest apart', async () => {
    arrangeServices();
    const backend = await startBackend({ from: workspace() });
    for (const s of SERVICES()) await backend.handlers.saveDeployment(s);
    const polled: DeploymentRecord[] = await backend.handlers.pollDeployments({});
    const { groups, other } = groupDeployments((await backend.handlers.listLabels({})).labels, polled);
    expect(groups.map((g) => [g.label, g.services.map((s) => [s.deployment.name, s.match])])).toEqual([
      [
        'production',
        [
          ['billing-worker', false],
          ['checkout-api', true],
        ],
      ],
      ['staging', []],
    ]);
    expect(other.map((d) => d.name)).toEqual(['search-svc']);
  });
});
