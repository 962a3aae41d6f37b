// Which services run which version, per label. A service follows the label whose file it loads: the
// status report names its source (`/srv/rulebooks/production.json`, `https://.../staging.json`), and
// the file's name is the label's (the folder and HTTP sync targets write one file per label). A
// service whose source names no label, or that did not answer, is listed apart. A report is what
// an untrusted server said (the backend validates it, but a record may come from elsewhere): every
// field is read defensively, and only strings and numbers are ever shown.
import type { DeploymentRecord, LabelRecord } from '../../../../shared/src/api/records.js';

export interface ServiceRow {
  deployment: DeploymentRecord;
  /** Whether it runs the label's version (by hash); null when it did not say what it runs. */
  match: boolean | null;
}

export interface LabelGroup {
  label: string;
  /** 0: the label points at no version. */
  version: number;
  hash: string;
  services: ServiceRow[];
}

/** `value` when it is a string, else `fallback`: what a report says is shown only as text. */
export function textOf(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** `value` when it is a finite number, else null. */
export function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The label a source names (`.../production.json` → production), if it is one of `labels`. */
export function labelOfSource(source: unknown, labels: readonly string[]): string | null {
  if (typeof source !== 'string' || !source) return null;
  const base = source.split(/[?#]/)[0]!.split(/[\\/]/).pop() ?? '';
  const name = base.replace(/\.json$/i, '');
  return labels.includes(name) ? name : null;
}

/** The label a service follows, from what it loaded (or last tried to load). */
export function followedLabel(d: DeploymentRecord, labels: readonly string[]): string | null {
  return labelOfSource(d.status?.active?.source, labels) ?? labelOfSource(d.status?.lastError?.source, labels);
}

export function groupDeployments(labels: readonly LabelRecord[], deployments: readonly DeploymentRecord[]): { groups: LabelGroup[]; other: DeploymentRecord[] } {
  const names = labels.map((l) => l.label);
  const groups: LabelGroup[] = labels.map((l) => ({ label: l.label, version: l.version, hash: l.hash, services: [] }));
  const other: DeploymentRecord[] = [];
  for (const d of deployments) {
    const label = followedLabel(d, names);
    const group = label ? groups.find((g) => g.label === label) : undefined;
    if (!group) {
      other.push(d);
      continue;
    }
    const active = d.status?.active ?? null;
    group.services.push({ deployment: d, match: active ? group.version > 0 && textOf(active.hash) === group.hash : null });
  }
  return { groups, other };
}

/** What a service runs, in a few words: `v3`, `an unknown rulebook (hash 1a2b…)`, `nothing yet`. */
export function runsText(d: DeploymentRecord): string {
  const active = d.status?.active;
  if (!d.status) return 'did not answer';
  if (!active) return 'runs nothing yet';
  if (numberOf(d.version) !== null) return `runs v${d.version}`;
  const version = numberOf(active.version);
  return `runs a version this workspace did not publish (${version === null ? 'version unknown' : `v${version}`}, hash ${textOf(active.hash, '?').replace(/^sha256:/, '').slice(0, 12)})`;
}

/** `production → v3: checkout-api runs v3 ✓, billing-worker runs v2 ✗` */
export function groupSentence(group: LabelGroup): string {
  const head = `${group.label} → ${group.version ? `v${group.version}` : 'not set'}`;
  if (group.services.length === 0) return `${head}: no service reports following it`;
  return `${head}: ${group.services.map((s) => `${s.deployment.name} ${runsText(s.deployment)}${s.match === true ? ' ✓' : s.match === false ? ' ✗' : ''}`).join(', ')}`;
}
