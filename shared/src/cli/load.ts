// Loading a rulebook for a command, with the signature options every command shares.
import type { RulebookArtifact } from '../domain.js';
import { loadRulebook, RulebookError } from '../rulebook/index.js';
import { CliError } from './io.js';
import { readPublicKeys } from './keys.js';

export async function loadForCommand(path: string | undefined, opts: { 'public-key'?: string[]; 'require-signature'?: boolean } = {}): Promise<RulebookArtifact> {
  if (!path) throw new CliError('--rulebook FILE is required', 2);
  const publicKeys = await readPublicKeys(opts['public-key']);
  try {
    return await loadRulebook(path, {
      ...(publicKeys.length ? { publicKeys } : {}),
      ...(opts['require-signature'] ? { requireSignature: true } : {}),
    });
  } catch (err) {
    if (err instanceof RulebookError) throw new CliError(err.message);
    throw err;
  }
}
