// `npm run bench [-- --data PATH]...`: prints figures, never asserts on time. Each table compares
// against a baseline measured in the same run, so a noisy machine shifts both alike.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchAccuracy } from './accuracy.js';
import { benchPatterns } from './patterns.js';
import { benchPipeline } from './pipeline.js';
import { benchRetrieval } from './retrieval.js';
import { benchTraceLog } from './trace-log.js';

const DEFAULT_DATA = ['../shared/data/banking77/all.jsonl', '../shared/data/bitext_customer_service/all.jsonl'];

const { values } = parseArgs({
  options: { data: { type: 'string', multiple: true }, only: { type: 'string' } },
  strict: true,
});
const only = values.only?.split(',');
const want = (name: string) => !only || only.includes(name);

console.log(`# Casebook benchmarks  (node ${process.version}, ${new Date().toISOString()})`);
if (want('retrieval')) await benchRetrieval();
if (want('pipeline')) await benchPipeline();
if (want('patterns')) await benchPatterns();
if (want('trace')) await benchTraceLog();
if (want('accuracy')) {
  const paths = values.data ?? DEFAULT_DATA.filter((p) => existsSync(p));
  if (paths.length === 0) await benchAccuracy(undefined);
  for (const p of paths) await benchAccuracy(p);
}
