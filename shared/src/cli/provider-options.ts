// The provider flags shared by `extract` and `test`.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { ProviderConfig } from '../providers/create.js';
import type { RulebookArtifact } from '../domain.js';
import { CliError } from './io.js';

export const providerFlags = {
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  cache: { type: 'string' },
  'public-key': { type: 'string', multiple: true },
  'require-signature': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const providerHelp = `Provider options:
  --provider embedded|openai  which provider answers (default: the rulebook's setting)
  --base-url URL              an OpenAI-compatible endpoint (default: OPENAI_BASE_URL, then OpenAI)
  --model M                   the model (default: the rulebook's setting)
  --timeout MS                per-request timeout (default 60000)
  --retries N                 retries after 429, 5xx and timeouts (default 4)
  --cache DIR                 keep every model answer in DIR; a re-run is free and identical
  --public-key KEY            verify the rulebook's signature with this public key (repeatable)
  --require-signature         refuse an unsigned rulebook
The API key is read from OPENAI_API_KEY and never printed.`;

export interface ProviderFlagValues {
  provider?: string;
  'base-url'?: string;
  model?: string;
  timeout?: string;
  retries?: string;
  cache?: string;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${flag} expects a whole number, got "${value}"`, 2);
  return n;
}

export function providerConfig(v: ProviderFlagValues, rulebook: RulebookArtifact): ProviderConfig {
  const kind = v.provider ?? (v['base-url'] ? 'openai' : rulebook.settings.provider);
  if (kind === 'embedded') return { kind: 'embedded' };
  if (kind !== 'openai') throw new CliError(`--provider must be embedded or openai, got "${kind}"`, 2);
  const timeoutMs = positiveInt(v.timeout, 'timeout');
  const maxRetries = positiveInt(v.retries, 'retries');
  return {
    kind: 'openai',
    ...(v['base-url'] ? { baseURL: v['base-url'] } : {}),
    ...(v.model ? { model: v.model } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
  };
}

/** `{ cache: DIR }` for createExtractor, once DIR is known to be, or to be creatable as, a folder. Throws CliError (exit 2). */
export function cacheOption(dir: string | undefined): { cache?: string } {
  if (!dir) return {};
  // The cache creates DIR and writes under it: a file in the way would fail every model answer.
  for (let p = resolve(dir); ; p = dirname(p)) {
    let isFolder: boolean;
    try {
      isFolder = statSync(p).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && dirname(p) !== p) continue;
      throw new CliError(`--cache ${dir}: ${(err as Error).message}`, 2);
    }
    if (!isFolder) throw new CliError(`--cache ${dir}: ${p === resolve(dir) ? 'not a folder' : `${p} is not a folder`}`, 2);
    return { cache: dir };
  }
}

export { positiveInt };
