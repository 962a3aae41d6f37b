// Settings › Test connection: one tiny structured-output request to a model endpoint.
import type { ApiHandlers, ApiParsedArgs } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';
import { HOST_SETTING } from '../handlers.js';
import { OPENAI_BASE_URL, testConnection, type ConnectionTarget } from './test-connection.js';

export type ConnectionHandlers = Pick<ApiHandlers, 'testConnection'>;

/**
 * What the test asks: what was given (for this test only), else what a run would use: the host's
 * base URL (then OPENAI_BASE_URL, then OpenAI's, as the provider resolves it), the draft's model,
 * temperature and seed, and the stored key.
 */
export function connectionTarget(ctx: Pick<BackendContext, 'repos' | 'opts'>, args: ApiParsedArgs<'testConnection'>): ConnectionTarget {
  const settings = readDraft(ctx.repos)?.settings;
  const stored = ctx.opts.settings.get(HOST_SETTING.baseURL);
  const baseURL = (args.baseURL ?? (typeof stored === 'string' ? stored : '')).trim() || process.env['OPENAI_BASE_URL']?.trim() || OPENAI_BASE_URL;
  return {
    baseURL,
    model: args.model ?? settings?.model ?? '',
    apiKey: args.apiKey ?? ctx.opts.secrets.getApiKey() ?? '',
    timeoutMs: args.timeoutMs,
    ...(settings ? { settings: { temperature: settings.temperature, seed: settings.seed } } : {}),
  };
}

export function createConnectionHandlers(ctx: BackendContext): ConnectionHandlers {
  return {
    testConnection: (args) => testConnection(connectionTarget(ctx, args)),
  };
}
