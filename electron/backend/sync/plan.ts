// What a sync writes: every published version of the workspace's rulebook as `rulebook-v<N>.json`
// and one file per label (`production.json`) holding the version the label points at, each the
// stored artifact JSON byte for byte. Files are named by version hash, so a target compares what it
// holds with what it should hold without reading any artifact until one differs.
import { LABEL_PATTERN } from '../../../shared/src/api/names.js';
import type { Repositories } from '../../services/workspace/index.js';
import { readDraft } from '../draft.js';

export interface WantedFile {
  /** `rulebook-v3.json` or `production.json`. */
  name: string;
  /** The content hash of the version the file holds. */
  hash: string;
  version: number;
  /** Set for a label's file. */
  label: string | null;
  /** The artifact JSON as stored, read when needed (versions are immutable). */
  content(): string;
}

export interface SyncPlan {
  /** The rulebook whose versions are synced; null in a workspace without a draft. */
  rulebookId: string | null;
  files: WantedFile[];
}

export const versionFileName = (version: number): string => `rulebook-v${version}.json`;

const VERSION_FILE = /^rulebook-v\d+\.json$/;

/**
 * Whether `name` is a file a sync may write or delete: a version file (`rulebook-v3.json`) or a
 * label's file (a LABEL_PATTERN name + `.json`). The manifest it is checked against is read from
 * the workspace file, which anyone can craft: a name like `authorized_keys` or `../x` is never
 * touched, whatever the manifest says.
 */
export function isSyncFileName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  if (VERSION_FILE.test(name)) return true;
  return name.endsWith('.json') && LABEL_PATTERN.test(name.slice(0, -'.json'.length));
}

/** The files a target should hold now: versions oldest first, then labels by name. */
export function syncPlan(repos: Pick<Repositories, 'settings' | 'rulebookVersions'>): SyncPlan {
  const rulebookId = readDraft(repos as Repositories)?.id ?? null;
  if (rulebookId === null) return { rulebookId, files: [] };
  const versions = repos.rulebookVersions.list(rulebookId).sort((a, b) => a.version - b.version);
  const content = (version: number) => () => {
    const record = repos.rulebookVersions.byVersion(rulebookId, version);
    if (!record) throw new Error(`rulebook ${rulebookId} v${version} is no longer in the workspace`);
    return record.artifactJson;
  };
  const files: WantedFile[] = versions.map((v) => ({ name: versionFileName(v.version), hash: v.hash, version: v.version, label: null, content: content(v.version) }));
  const taken = new Set(files.map((f) => f.name));
  const labels: WantedFile[] = [];
  for (const v of versions) {
    for (const label of v.labels) {
      // A label is a file name: only the names the contract allows, and never one a version file has.
      if (!LABEL_PATTERN.test(label) || taken.has(`${label}.json`)) continue;
      labels.push({ name: `${label}.json`, hash: v.hash, version: v.version, label, content: content(v.version) });
    }
  }
  labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { rulebookId, files: [...files, ...labels] };
}

/** What a sync did, in words for a commit message: "publish tidewell-support v3", "production → v2". */
export function describeChanges(plan: SyncPlan, written: readonly string[], removed: readonly string[]): string {
  const byName = new Map(plan.files.map((f) => [f.name, f]));
  const parts: string[] = [];
  const published = written.map((n) => byName.get(n)).filter((f) => f && f.label === null).map((f) => `v${f!.version}`);
  if (published.length) parts.push(`publish ${plan.rulebookId ?? 'rulebook'} ${published.join(', ')}`);
  for (const n of written) {
    const f = byName.get(n);
    if (f?.label) parts.push(`${f.label} → v${f.version}`);
  }
  for (const n of removed) parts.push(`${n.replace(/\.json$/, '')} removed`);
  return parts.join('; ') || 'sync';
}
