// Deployments: services polled for their status report on 127.0.0.1. A report names the version a
// service runs by hash (and that version's labels); garbage, a closed port and a silent server are
// each an error of their own service, within seconds, never a failed poll.
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_PATH } from '../../../shared/src/api/names.js';
import type { RuntimeStatus } from '../../../shared/src/service/types.js';
import { closedPortURL } from '../../../shared/testkit/closed-port.js';
import { apiFailure } from '../test-support.js';
import { NOT_A_STATUS_REPORT } from './deployments.js';
import { syncHarness } from './test-support.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function serve(handler: (path: string) => { status: number; body: string } | null) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const answer = handler(req.url!);
    if (!answer) return; // never answers
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  open.push({ close });
  return `http://127.0.0.1:${port}`;
}

const report = (hash: string): RuntimeStatus => ({
  format: 'casebook-status/1',
  service: 'eu-1',
  runtimeVersion: '0.1.0',
  startedAt: '2026-03-01T08:00:00.000Z',
  active: { id: 'tidewell-support', version: 2, hash, keyId: null, since: '2026-03-01T08:00:01.000Z', source: '/srv/production.json' },
  lastError: null,
  counts: { extractions: 12, invalid: 1, errors: 0, traceLinesDropped: 0 },
});

describe('deployments', () => {
  it('polls every service: a report matched to our version and its labels; garbage, a closed port and silence each fail alone, within seconds', async () => {
    const s = syncHarness();
    open.push(s);
    s.publish();
    const v2 = s.publish();
    s.setLabel('production', 2);
    s.setLabel('staging', 2);
    const good = await serve((path) => (path === STATUS_PATH ? { status: 200, body: JSON.stringify(report(v2.hash)) } : { status: 404, body: '' }));
    const garbage = await serve(() => ({ status: 200, body: '{"format":"something-else/1"}' }));
    const html = await serve(() => ({ status: 200, body: '<html>hello</html>' }));
    const silent = await serve(() => null);
    const foreign = await serve(() => ({ status: 200, body: JSON.stringify(report('0'.repeat(64))) }));

    const a = await s.call('saveDeployment', { name: 'eu-1', statusUrl: `${good}${STATUS_PATH}` });
    expect(a).toMatchObject({ name: 'eu-1', status: null, version: null, labels: [], lastPolledAt: null });
    await s.call('saveDeployment', { name: 'garbage', statusUrl: `${garbage}${STATUS_PATH}` });
    await s.call('saveDeployment', { name: 'html', statusUrl: `${html}${STATUS_PATH}` });
    await s.call('saveDeployment', { name: 'silent', statusUrl: `${silent}${STATUS_PATH}` });
    await s.call('saveDeployment', { name: 'closed', statusUrl: await closedPortURL(STATUS_PATH) });
    await s.call('saveDeployment', { name: 'foreign', statusUrl: `${foreign}${STATUS_PATH}` });

    const started = Date.now();
    const polled = await s.call('pollDeployments', {});
    const took = Date.now() - started;
    expect(took).toBeLessThan(5000);
    const by = Object.fromEntries(polled.map((d) => [d.name, d]));
    expect(by['eu-1']).toMatchObject({ version: 2, labels: ['production', 'staging'], error: null, status: report(v2.hash) });
    expect(by['eu-1']!.lastPolledAt).not.toBeNull();
    expect(by.garbage).toMatchObject({ status: null, version: null, error: NOT_A_STATUS_REPORT });
    expect(by.html!.error).toMatch(/^not a Casebook status report \(the answer is not JSON\)/);
    expect(by.silent!.error).toBe('no answer within 3 s');
    expect(by.closed!.error).toMatch(/connection refused/);
    expect(by.foreign).toMatchObject({ version: null, labels: [], error: null });

    // A label moved since the poll shows at once.
    s.setLabel('staging', 1);
    expect((await s.call('listDeployments', {})).find((d) => d.name === 'eu-1')!.labels).toEqual(['production']);
    expect(s.h.opts.events.some(([e, p]) => e === 'publishChanged' && (p as { reason: string }).reason === 'deployments')).toBe(true);
  });

  it('saves, renames and deletes a service; an unknown id is not found', async () => {
    const s = syncHarness();
    open.push(s);
    const d = await s.call('saveDeployment', { name: 'eu-1', statusUrl: 'http://127.0.0.1:9/casebook/status' });
    expect((await s.call('saveDeployment', { id: d.id, name: 'eu-one', statusUrl: d.statusUrl })).name).toBe('eu-one');
    expect((await apiFailure(s.call('saveDeployment', { id: 'dep_nope', name: 'x', statusUrl: d.statusUrl }))).failure.code).toBe('not_found');
    expect(await s.call('deleteDeployment', { id: d.id })).toEqual({ id: d.id });
    expect((await apiFailure(s.call('deleteDeployment', { id: d.id }))).failure.code).toBe('not_found');
    expect(await s.call('listDeployments', {})).toEqual([]);
  });
});
