// What a comparison run extracts under (issue 12): a published version's artifact (from the
// workspace's published versions) or the draft, with the provider and model asked for, through the
// extraction service (the host's base URL and key, the rate limit, the workspace's response cache).
// A comparison run asks the model what it says now: a cached answer would hide the very drift it is
// run to find (a provider changing what stands behind the same model name). Its fresh answers
// replace the cached ones, so later inbox runs reuse them.
import { ApiError } from '../../../shared/src/api/index.js';
import type { ProviderName, RulebookArtifact } from '../../../shared/src/domain.js';
import type { Extractor } from '../../../shared/src/pipeline/extractor.js';
import type { StoredRun } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import type { CompareAgainst, CompareExtractors } from '../runs/service.js';

/** Draft artifacts comparison runs of this session started under (by hash), so a resume runs the same draft. */
const KEPT_DRAFTS = 8;

export function createCompareExtractors(ctx: Pick<BackendContext, 'repos' | 'extraction'>): CompareExtractors {
  const drafts = new Map<string, RulebookArtifact>();
  const keep = (artifact: RulebookArtifact) => {
    drafts.delete(artifact.hash);
    drafts.set(artifact.hash, artifact);
    while (drafts.size > KEPT_DRAFTS) drafts.delete(drafts.keys().next().value!);
  };

  /** The published version of the draft's rulebook, or not_found. */
  const published = (version: number): RulebookArtifact => {
    const draft = ctx.extraction.draftRulebook();
    const record = ctx.repos.rulebookVersions.byVersion(draft.id, version);
    if (!record) throw new ApiError({ code: 'not_found', message: `rulebook ${draft.id} has no published version ${version}` });
    return record.artifact;
  };

  const extractor = (artifact: RulebookArtifact, provider: ProviderName | undefined, model: string | undefined): Extractor =>
    asking(ctx.extraction.forArtifact(artifact, { ...(provider ? { provider } : {}), ...(model ? { model } : {}) }));

  return {
    start(against: CompareAgainst) {
      const version = against.version === 'draft' ? null : against.version;
      const artifact = version === null ? ctx.extraction.draftRulebook() : published(version);
      if (version === null) keep(artifact);
      return { extractor: extractor(artifact, against.provider, against.model), version };
    },
    forRun(run: StoredRun) {
      let artifact: RulebookArtifact;
      if (run.rulebookVersion !== null) {
        artifact = published(run.rulebookVersion);
      } else {
        const current = ctx.extraction.draftRulebook();
        const kept = run.rulebookHash ? drafts.get(run.rulebookHash) : undefined;
        if (kept) artifact = kept;
        else if (current.hash === run.rulebookHash) artifact = current;
        else throw new Error(`the draft this comparison ran under (${run.rulebookHash ?? 'unknown'}) has changed since; start a new comparison run`);
      }
      if (run.rulebookHash && artifact.hash !== run.rulebookHash) {
        throw new Error(`version ${run.rulebookVersion} is not the rulebook this comparison ran under (${run.rulebookHash})`);
      }
      return extractor(artifact, run.provider as ProviderName, run.model);
    },
  };
}

/** The extractor, every answer asked of the provider (never the cache's), each then cached. */
function asking(inner: Extractor): Extractor {
  return {
    rulebook: inner.rulebook,
    provider: inner.provider,
    retrieve: (message, k, exclude) => inner.retrieve(message, k, exclude),
    prepare: () => inner.prepare(),
    extract: (message, opts) => inner.extract(message, { ...opts, refresh: true }),
  };
}
