// Labels: names (`production`, `staging`, any the team adds) that point at versions. Moving one is
// how a version is promoted or rolled back; every move is recorded: who, when, from, to and why.
import { ApiError, DEFAULT_LABELS, type LabelsState } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';

function rulebookId(ctx: BackendContext): string | null {
  return readDraft(ctx.repos)?.id ?? null;
}

export function listLabels(ctx: BackendContext): LabelsState {
  const id = rulebookId(ctx);
  const labels = id ? ctx.repos.rulebookVersions.labels(id) : [];
  const set = new Set(labels.map((l) => l.label));
  // The default labels are offered even before they point anywhere (version 0: unset).
  const unset = DEFAULT_LABELS.filter((l) => !set.has(l)).map((label) => ({ label, version: 0, hash: '', setBy: null, setAt: '' }));
  return {
    labels: [...labels, ...unset].sort((a, b) => a.label.localeCompare(b.label)),
    moves: id
      ? ctx.repos.rulebookVersions.labelHistory(id).map((m) => ({ label: m.label, from: m.from, to: m.version, by: m.setBy, at: m.setAt, reason: m.reason }))
      : [],
  };
}

/** Points a label at a version; true when it moved (pointing it where it points is no move). */
export function setLabel(ctx: BackendContext, label: string, version: number, reason: string): boolean {
  const id = rulebookId(ctx);
  if (!id) throw new ApiError({ code: 'not_found', message: 'this workspace has no rulebook yet' });
  return ctx.transaction(() => {
    const target = ctx.repos.rulebookVersions.byVersion(id, version);
    if (!target) throw new ApiError({ code: 'not_found', message: `no version ${version} has been published` });
    // A version signed by a retired key: services no longer trust that key and would refuse it.
    const keyId = target.artifact.signature?.keyId;
    const key = keyId ? ctx.repos.signingKeys.get(keyId) : null;
    if (key?.retiredAt) {
      const current = ctx.repos.rulebookVersions.labelled(id, label);
      if (current?.version !== version) {
        throw new ApiError({
          code: 'conflict',
          message: `version ${version} is signed by key ${key.keyId}, which was retired (${key.retiredAt}): services no longer trust that key and would refuse it. To go back to it, publish its content again as a new version (signed by the active key)`,
        });
      }
    }
    return ctx.repos.rulebookVersions.setLabel(id, label, version, ctx.author(), reason);
  });
}

/** Takes a label away; true when it pointed somewhere. */
export function removeLabel(ctx: BackendContext, label: string, reason: string): boolean {
  const id = rulebookId(ctx);
  if (!id) return false;
  return ctx.transaction(() => ctx.repos.rulebookVersions.removeLabel(id, label, ctx.author(), reason));
}
