// `npm run test-server -- --port 8787 [--latency 50] [--rename urgency=priority] [--shift urgency:high=medium]`
// Starts the scripted OpenAI-compatible server on 127.0.0.1 and prints its URL; Ctrl-C stops it.

import { parseArgs } from 'node:util';
import { startScriptedServer } from './scripted-server.js';
import type { JsonSchemaRejection, ScriptOptions } from './scripted-server.js';

export const USAGE = `usage: npm run test-server -- [options]
  --port N                    port on 127.0.0.1 (default 8787; 0 picks a free one)
  --latency MS                added to every chat completion
  --rename FIELD=KEY          emit KEY instead of FIELD (repeatable): --rename urgency=priority
  --shift FIELD:FROM=TO       answer TO where FROM was due (repeatable): --shift urgency:high=medium
  --rate-limit N              answer 429 (Retry-After: --retry-after, default 1) to the first N requests
  --retry-after SECONDS
  --fail N|always             answer 500 to the first N requests, or always
  --malformed                 truncate every JSON answer
  --reject-json-schema KIND   refuse response_format json_schema like llamacpp, tgi, vllm or generic
  --api-key KEY               require Authorization: Bearer KEY
  --text-style fence|prose    how JSON is wrapped when no response_format is asked
  --logprobs yes|reject       answer logprobs: true with log-probabilities, or refuse it (default: ignore it)
  --models a,b                model ids for GET /v1/models
  -h, --help`;

export interface CliConfig {
  port: number;
  models?: string[];
  script: ScriptOptions;
}

function int(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${v}"`);
  return n;
}

/** Parses the command line; throws an Error with a message for bad input. */
export function parseCli(argv: string[]): CliConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      latency: { type: 'string' },
      rename: { type: 'string', multiple: true },
      shift: { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
      'retry-after': { type: 'string' },
      fail: { type: 'string' },
      malformed: { type: 'boolean' },
      'reject-json-schema': { type: 'string' },
      'api-key': { type: 'string' },
      'text-style': { type: 'string' },
      logprobs: { type: 'string' },
      models: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const script: ScriptOptions = {};
  if (values.latency !== undefined) script.latencyMs = int('latency', values.latency);
  for (const r of values.rename ?? []) {
    const m = /^([^=]+)=([^=]+)$/.exec(r);
    if (!m) throw new Error(`--rename expects FIELD=KEY, got "${r}"`);
    (script.rename ??= {})[m[1] as string] = m[2] as string;
  }
  for (const s of values.shift ?? []) {
    const m = /^([^:=]+):([^=]+)=(.+)$/.exec(s);
    if (!m) throw new Error(`--shift expects FIELD:FROM=TO, got "${s}"`);
    ((script.shift ??= {})[m[1] as string] ??= {})[m[2] as string] = m[3] as string;
  }
  if (values['rate-limit'] !== undefined) {
    script.rateLimit = { times: int('rate-limit', values['rate-limit']) };
    if (values['retry-after'] !== undefined) script.rateLimit.retryAfter = int('retry-after', values['retry-after']);
  }
  if (values.fail !== undefined) script.serverError = { times: values.fail === 'always' ? 'always' : int('fail', values.fail) };
  if (values.malformed) script.malformed = true;
  if (values['reject-json-schema'] !== undefined) {
    const kind = values['reject-json-schema'];
    if (!['llamacpp', 'tgi', 'vllm', 'generic'].includes(kind)) throw new Error(`--reject-json-schema: unknown kind "${kind}"`);
    script.rejectJsonSchema = kind as JsonSchemaRejection;
  }
  if (values['api-key'] !== undefined) script.requireApiKey = values['api-key'];
  if (values['text-style'] !== undefined) {
    if (values['text-style'] !== 'fence' && values['text-style'] !== 'prose') throw new Error('--text-style must be fence or prose');
    script.textStyle = values['text-style'];
  }
  if (values.logprobs !== undefined) {
    if (values.logprobs !== 'yes' && values.logprobs !== 'reject') throw new Error('--logprobs must be yes or reject');
    script.logprobs = values.logprobs === 'yes' ? true : 'reject';
  }
  const config: CliConfig = { port: values.port === undefined ? 8787 : int('port', values.port), script };
  if (values.models !== undefined) config.models = values.models.split(',').map((m) => m.trim()).filter((m) => m !== '');
  return config;
}

async function main(): Promise<void> {
  let config: CliConfig | 'help';
  try {
    config = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const server = await startScriptedServer({ port: config.port, script: config.script, ...(config.models ? { models: config.models } : {}) });
  process.stdout.write(`${server.url}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const invokedDirectly = process.argv[1] !== undefined && /[\\/]testkit[\\/]cli\.(?:ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main().catch((err: unknown) => {
    process.stderr.write(`test-server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
