// The scripted server meets hostile requests and odd chat bodies: it answers (a 4xx for what it
// cannot read) and keeps serving. Tests rely on it staying up while they probe clients.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propertyOptions } from '../src/testing/property.js';
import { hostileRequest, NASTY_TARGETS, rawExchange } from './hostile-http.js';
import { startScriptedServer, type ScriptedServer } from './scripted-server.js';

let server: ScriptedServer;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);
beforeAll(async () => {
  server = await startScriptedServer();
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
});
afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await server.close();
});

const post = (path: string, body: string) =>
  rawExchange(server.port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);

async function stillServing(): Promise<void> {
  const reply = await post('/v1/chat/completions', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }));
  expect(reply.status).toBe(200);
  expect(crashes).toEqual([]);
}

describe('the scripted server under hostile requests', () => {
  it('answers request targets that break URL parsers', async () => {
    for (const target of NASTY_TARGETS) {
      const reply = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(reply.status === null || reply.status < 500, `${JSON.stringify(target)} -> ${reply.status}`).toBe(true);
    }
    await stillServing();
  });

  it('answers any JSON body to chat completions with a completion or a 4xx, never a 5xx (property)', async () => {
    const messages = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.record({ role: fc.string(), content: fc.jsonValue({ maxDepth: 3 }) }), { maxLength: 3 }));
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }),
      fc.record({ model: fc.jsonValue({ maxDepth: 2 }), messages, response_format: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const reply = await post('/v1/chat/completions', JSON.stringify(b));
        expect(reply.status !== null && reply.status < 500, `${JSON.stringify(b)} -> ${reply.status}: ${reply.text.slice(-300)}`).toBe(true);
      }),
      propertyOptions(300),
    );
    await stillServing();
  }, 60_000);

  it('survives random request lines, headers and bodies (property)', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRequest(server.port), async (bytes) => {
        await rawExchange(server.port, bytes, 100);
        expect(crashes).toEqual([]);
      }),
      propertyOptions(200),
    );
    await stillServing();
  }, 60_000);
});
