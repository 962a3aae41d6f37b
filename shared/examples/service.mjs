#!/usr/bin/env node
// A production service around a Casebook rulebook, in plain Node http:
//   node service.mjs --rulebook production.json --public-key casebook.pub.pem --port 8080 --trace-dir traces
// POST /extract {id?, subject?, sender?, context?: [...], text} -> {output, valid, errors, rulebook}; GET /casebook/status.
// The model provider is the rulebook's; an OpenAI-compatible endpoint is read from OPENAI_BASE_URL and OPENAI_API_KEY.
// The rulebook file is watched: a newly synced version serves without a restart; a broken or
// wrongly signed one is refused (see /casebook/status) and the last good one keeps serving.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createRulebookService } from '@casebook/runtime';

const env = process.env;
const { values: o } = parseArgs({
  options: {
    rulebook: { type: 'string', default: env.CASEBOOK_RULEBOOK },
    'public-key': { type: 'string', multiple: true, default: env.CASEBOOK_PUBLIC_KEY ? [env.CASEBOOK_PUBLIC_KEY] : [] },
    'allow-unsigned': { type: 'boolean', default: env.CASEBOOK_ALLOW_UNSIGNED === '1' },
    port: { type: 'string', default: env.PORT ?? '8080' },
    host: { type: 'string', default: env.HOST ?? '127.0.0.1' },
    'trace-dir': { type: 'string', default: env.CASEBOOK_TRACE_DIR },
    'service-name': { type: 'string', default: env.CASEBOOK_SERVICE_NAME ?? 'casebook-service' },
    'no-trace-text': { type: 'boolean', default: env.CASEBOOK_TRACE_TEXT === '0' },
  },
});
if (!o.rulebook) {
  console.error('usage: service.mjs --rulebook FILE|URL [--public-key KEY.pem ... | --allow-unsigned] [--port N] [--trace-dir DIR] [--service-name NAME] [--no-trace-text]');
  process.exit(2);
}

const service = createRulebookService({
  source: o.rulebook,
  service: o['service-name'],
  publicKeys: o['public-key'].map((f) => readFileSync(f, 'utf8')),
  allowUnsigned: o['allow-unsigned'],
  ...(o['trace-dir'] ? { traceLog: { dir: o['trace-dir'], includeText: !o['no-trace-text'] } } : {}),
});
// Listen once the first version is loaded (or refused: then /extract answers 503 until a good one arrives).
await service.ready().catch((err) => console.error(`casebook: no rulebook yet, answering 503 until one loads: ${err.message}`));

const send = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

async function readJson(req, limit = 1 << 20) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > limit) throw Object.assign(new Error('body too large'), { status: 413 });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('body is not JSON'), { status: 400 });
  }
}

const server = createServer(async (req, res) => {
  if (service.statusHandler(req, res)) return;
  if (req.method !== 'POST' || req.url !== '/extract') return send(res, 404, { error: 'POST /extract or GET /casebook/status' });
  try {
    const body = await readJson(req);
    const { id, subject, sender, context, text } = body && typeof body === 'object' ? body : {};
    if (typeof text !== 'string' || !text.trim()) return send(res, 400, { error: 'text (a non-empty string) is required' });
    if (!service.current()) return send(res, 503, { error: 'no rulebook is loaded yet', lastError: service.status().lastError });
    // Every part the app extracts with (the model sees the sender and earlier messages too), so the same message gets the same answer.
    const message = {
      text,
      ...(typeof subject === 'string' ? { subject } : {}),
      ...(typeof sender === 'string' ? { sender } : {}),
      ...(Array.isArray(context) ? { context: context.filter((c) => typeof c === 'string') } : {}),
      ...(typeof id === 'string' ? { id } : {}),
    };
    const { output, valid, errors, trace } = await service.extract(message);
    send(res, 200, { ...(message.id ? { id: message.id } : {}), output, valid, errors, rulebook: trace.rulebook });
  } catch (err) {
    send(res, err.status ?? 500, { error: err.message });
  }
});

server.listen(Number(o.port), o.host, () => {
  const { port } = server.address();
  console.log(`casebook service "${o['service-name']}" listening on http://${o.host}:${port} (rulebook ${o.rulebook})`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => service.close().then(() => process.exit(0))));
}
