// Publishing the draft as a signed, immutable version, and reading versions back: lists, details
// with their changelogs, differences (`casebook diff`'s) and the artifact as a file.
import { ApiError, type ChangelogEntry, type ExportedFile, type GateReport, type VersionDetail, type VersionDiff, type VersionSummary } from '../../../shared/src/api/index.js';
import { DEFAULT_SETTINGS, type RulebookArtifact } from '../../../shared/src/domain.js';
import { changelogOf } from '../../../shared/src/rulebook/changelog.js';
import { createRulebook, nextVersion } from '../../../shared/src/rulebook/create.js';
import { diffRulebooks, formatRulebookDiff } from '../../../shared/src/rulebook/diff.js';
import { signRulebook } from '../../../shared/src/rulebook/sign.js';
import type { RulebookVersionListing, RulebookVersionRecord, StoredPublication } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { draftArtifact, readDraft } from '../draft.js';
import { activeSigningKey, discardPrivateKey } from './keys.js';

export interface PublishRequest {
  gate: GateReport | null;
  gateId: string;
  note: string;
  overrideReason?: string | undefined;
}

function rulebookId(ctx: BackendContext): string {
  const draft = readDraft(ctx.repos);
  if (!draft) throw new ApiError({ code: 'not_found', message: 'this workspace has no rulebook yet' });
  return draft.id;
}

/** The draft as an artifact; a draft the format refuses (no fields yet) is a conflict, said plainly. */
function currentDraft(ctx: BackendContext): RulebookArtifact {
  rulebookId(ctx);
  try {
    return draftArtifact(ctx.repos);
  } catch (err) {
    throw new ApiError({ code: 'conflict', message: `the draft is not a valid rulebook yet: ${(err as Error).message}` });
  }
}

/** What the first version is compared with: a rulebook with nothing in it (same id and name). */
function emptyLike(a: RulebookArtifact): RulebookArtifact {
  return { ...a, version: 0, parent: null, hash: '', instructions: '', schema: { fields: [] }, rules: [], precedents: [], settings: { ...DEFAULT_SETTINGS } };
}

/** The schema changes recorded in the draft's history since `since` (exclusive), oldest first. */
function schemaChangesSince(ctx: BackendContext, since: string | null): ChangelogEntry[] {
  return ctx.repos.draftHistory
    .list(10_000)
    .filter((e) => e.kind === 'schema' && e.undoneBy === null && (since === null || e.at > since))
    .reverse()
    .map((e) => ({ kind: 'schema' as const, text: e.summary }));
}

/**
 * Publishes the draft: refused (conflict) without a finished gate of the draft as it is now, or
 * over a failing gate without a reason. One transaction: the signed artifact (published now), its
 * publication (author, note, changelog, gate, reason, key).
 */
export function publishDraft(ctx: BackendContext, req: PublishRequest): VersionDetail {
  const { gate } = req;
  if (!gate) throw new ApiError({ code: 'conflict', message: `no gate ${req.gateId}: run the gate before publishing` });
  if (gate.status !== 'done') {
    throw new ApiError({ code: 'conflict', message: gate.status === 'running' ? 'the gate is still running: publish when it has finished' : `the gate ${gate.status === 'cancelled' ? 'was cancelled' : 'failed'}: run it again` });
  }
  const overrideReason = req.overrideReason?.trim() || null;
  const author = ctx.author();
  // One transaction, the draft read once inside it (a large draft takes a while to assemble):
  // nothing can change it from here on, and a refusal leaves the workspace as it was.
  let madeKey: string | null = null;
  const publish = () => ctx.transaction(() => {
    const now = currentDraft(ctx);
    if (now.hash !== gate.draftHash) throw new ApiError({ code: 'conflict', message: 'the draft changed since the gate ran: run it again' });
    if (gate.failed > 0 && !overrideReason) {
      throw new ApiError({
        code: 'conflict',
        message: `the gate failed (${gate.failed} failing precedent${gate.failed === 1 ? '' : 's'}, ${gate.regressions} regression${gate.regressions === 1 ? '' : 's'}): fix them, or publish over it with a reason`,
      });
    }
    // Made on first publish: its public half joins this transaction.
    const hadKey = ctx.repos.signingKeys.active() !== null;
    const { key, privateKeyPem } = activeSigningKey(ctx);
    if (!hadKey) madeKey = key.keyId;
    const prev = ctx.repos.rulebookVersions.latest(now.id);
    const content = { name: now.name, instructions: now.instructions, schema: now.schema, rules: now.rules, precedents: now.precedents, settings: now.settings };
    const publishedAt = new Date().toISOString();
    // The draft's artifact with its real publish time (the draft's is fixed), hashed again.
    const artifact = prev ? nextVersion(prev.artifact, content, { createdAt: publishedAt }) : createRulebook({ id: now.id, ...content, createdAt: publishedAt });
    const signed = signRulebook(artifact, privateKeyPem);
    const stored = ctx.repos.rulebookVersions.insert(signed);
    const changelog: ChangelogEntry[] = [
      ...changelogOf(diffRulebooks(prev?.artifact ?? emptyLike(signed), signed)),
      ...schemaChangesSince(ctx, prev?.createdAt ?? null),
    ];
    if (gate.failed > 0 && overrideReason) {
      changelog.push({
        kind: 'gate',
        text: `Published over a failing gate (${gate.failed} failure${gate.failed === 1 ? '' : 's'}, ${gate.regressions} regression${gate.regressions === 1 ? '' : 's'}): ${overrideReason}`,
      });
    }
    const publication = ctx.repos.publications.insert({
      versionId: stored.id,
      author,
      note: req.note,
      changelog,
      gate: { passed: gate.passed, failed: gate.failed, regressions: gate.regressions },
      overrideReason: gate.failed > 0 ? overrideReason : null,
      keyId: key.keyId,
    });
    return detailOf(stored, publication);
  });
  let detail: VersionDetail;
  try {
    detail = publish();
  } catch (err) {
    // A key made for this publish went with the rolled-back transaction: so does its private half.
    if (madeKey !== null) discardPrivateKey(ctx, madeKey);
    throw err;
  }
  ctx.emit('publishChanged', { reason: 'published' });
  ctx.emit('draftChanged', { reason: 'published', entryId: null });
  return detail;
}

function summaryOf(v: RulebookVersionListing, p: StoredPublication | null | undefined, publishedAt: string): VersionSummary {
  return {
    rulebookId: v.rulebookId,
    version: v.version,
    hash: v.hash,
    parent: v.parentHash !== null && v.parentVersion !== null ? { version: v.parentVersion, hash: v.parentHash } : null,
    publishedAt,
    author: p?.author ?? '',
    note: p?.note ?? '',
    labels: v.labels,
    keyId: v.keyId,
    gate: p?.gate ? { ...p.gate, overrideReason: p.overrideReason } : null,
    counts: v.counts,
  };
}

function detailOf(v: RulebookVersionRecord, p: StoredPublication | null): VersionDetail {
  const a = v.artifact;
  const listing: RulebookVersionListing = {
    ...v,
    parentVersion: a.parent?.version ?? null,
    keyId: a.signature?.keyId ?? null,
    counts: { fields: a.schema.fields.length, rules: a.rules.length, precedents: a.precedents.length },
  };
  return { ...summaryOf(listing, p, a.createdAt), changelog: p?.changelog ?? [] };
}

export function listVersions(ctx: BackendContext): VersionSummary[] {
  const draft = readDraft(ctx.repos);
  if (!draft) return [];
  const publications = ctx.repos.publications.forRulebook(draft.id);
  return ctx.repos.rulebookVersions.listing(draft.id).map((v) => summaryOf(v, publications.get(v.id), v.createdAt));
}

function versionRecord(ctx: BackendContext, version: number): RulebookVersionRecord {
  const record = ctx.repos.rulebookVersions.byVersion(rulebookId(ctx), version);
  if (!record) throw new ApiError({ code: 'not_found', message: `no version ${version} has been published` });
  return record;
}

export function getVersion(ctx: BackendContext, version: number): VersionDetail {
  const record = versionRecord(ctx, version);
  return detailOf(record, ctx.repos.publications.get(record.id));
}

export function diffVersions(ctx: BackendContext, from: number | 'draft', to: number | 'draft'): VersionDiff {
  const artifact = (v: number | 'draft') => (v === 'draft' ? currentDraft(ctx) : versionRecord(ctx, v).artifact);
  const a = artifact(from);
  const b = artifact(to);
  const diff = diffRulebooks(a, b);
  return {
    from: { version: from, hash: a.hash },
    to: { version: to, hash: b.hash },
    empty: diff.isEmpty,
    text: formatRulebookDiff(diff),
    changelog: changelogOf(diff),
  };
}

/** The signed artifact exactly as stored, as a file. */
export function exportVersion(ctx: BackendContext, version: number): ExportedFile {
  const record = versionRecord(ctx, version);
  return { name: `rulebook-v${version}.json`, mimeType: 'application/json', content: record.artifactJson, count: 1 };
}
