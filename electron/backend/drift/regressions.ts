// The regressions board (issue 12): the precedents that fail under a chosen version (or the draft),
// each with the published versions it passed under and the version from which it has failed.
//
// A precedent is replayed with replayPrecedents, as the publish gate does, under each rulebook's own
// settings through the extraction service (forArtifact: the host's base URL and key, the rate
// limit, the workspace's response cache; the embedded provider learning from that rulebook's own
// precedents). Results are kept in memory per artifact hash and precedent: an artifact is immutable,
// so a board asked again, or for another version, replays only what it has not replayed yet (with
// a model, cached answers make even that cheap).
//
// History: every published version up to the chosen one (all of them for the draft) that holds the
// precedent (by id, with that version's own expected output). `failingSince` is the first such
// version after the last one it passed under (or the chosen version / the draft itself when it
// passed in the one before), null when it never passed.
import type { RegressionBoard } from '../../../shared/src/api/index.js';
import type { Precedent, RulebookArtifact } from '../../../shared/src/domain.js';
import { replayPrecedents, type PrecedentReplay } from '../../../shared/src/rulebook/replay.js';
import type { BackendContext } from '../context.js';
import { hostNumber } from '../runs/handlers.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, RUN_SETTING } from '../runs/service.js';
import { artifactFor, excerptOf } from './consistency.js';

/** Artifacts whose replays are kept (each holds one result per precedent). */
const KEEP_ARTIFACTS = 32;

export class RegressionBoardService {
  /** Per artifact hash: per precedent id, its replay. */
  private readonly results = new Map<string, Map<string, PrecedentReplay>>();

  constructor(private readonly ctx: BackendContext) {}

  async board(version: number | 'draft', signal?: AbortSignal): Promise<RegressionBoard> {
    const { artifact } = artifactFor(this.ctx, version);
    const chosen = await this.replay(artifact, artifact.precedents, signal);
    const failing = artifact.precedents.filter((p) => chosen.get(p.id)?.pass === false);

    // The published versions before the chosen one (all of them for the draft), oldest first.
    const published = this.ctx.repos.rulebookVersions
      .list(artifact.id)
      .map((v) => v.version)
      .filter((v) => version === 'draft' || v < version)
      .sort((a, b) => a - b);
    const history = new Map<string, { version: number; pass: boolean }[]>(failing.map((p) => [p.id, []]));
    if (failing.length) {
      const wanted = new Set(failing.map((p) => p.id));
      for (const v of published) {
        const record = this.ctx.repos.rulebookVersions.byVersion(artifact.id, v);
        if (!record) continue;
        const held = record.artifact.precedents.filter((p) => wanted.has(p.id));
        if (held.length === 0) continue;
        const replayed = await this.replay(record.artifact, held, signal);
        for (const p of held) history.get(p.id)!.push({ version: v, pass: replayed.get(p.id)?.pass === true });
      }
    }

    return {
      version,
      hash: artifact.hash,
      total: artifact.precedents.length,
      items: failing.map((p) => {
        const result = chosen.get(p.id)!;
        const past = history.get(p.id)!;
        const passedIn = past.filter((h) => h.pass).map((h) => h.version);
        const lastPass = passedIn.at(-1);
        let failingSince: number | 'draft' | null = null;
        if (lastPass !== undefined) failingSince = past.find((h) => h.version > lastPass)?.version ?? version;
        return {
          precedentId: p.id,
          excerpt: excerptOf(p.message.text, 140),
          fields: result.diffs.map((d) => ({ field: d.field, expected: d.expected ?? null, actual: d.actual ?? null })),
          failingSince,
          passedIn,
        };
      }),
    };
  }

  /** The replays of `precedents` under `artifact`: kept ones, and the rest replayed now. */
  private async replay(artifact: RulebookArtifact, precedents: readonly Precedent[], signal?: AbortSignal): Promise<Map<string, PrecedentReplay>> {
    let kept = this.results.get(artifact.hash);
    if (!kept) {
      kept = new Map();
      this.results.set(artifact.hash, kept);
      while (this.results.size > KEEP_ARTIFACTS) this.results.delete(this.results.keys().next().value!);
    }
    const missing = precedents.filter((p) => !kept.has(p.id));
    // A provider's failure (the network, a timeout) says nothing of the rulebook: shown, never kept.
    const answered = new Map(kept);
    if (missing.length) {
      const extractor = this.ctx.extraction.forArtifact(artifact);
      const embedded = extractor.provider.name === 'embedded';
      const concurrency = embedded ? 1 : Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(hostNumber(this.ctx, RUN_SETTING.concurrency, DEFAULT_CONCURRENCY))));
      const target = kept;
      await replayPrecedents(artifact, {
        extractor,
        precedents: missing,
        concurrency,
        ...(signal ? { signal } : {}),
        onResult: (result) => {
          answered.set(result.id, result);
          if (!result.errors.some((e) => e.startsWith('provider error'))) target.set(result.id, result);
        },
      });
    }
    return answered;
  }
}
