// How the Drift screen names a run: "compare · v3 · OpenAI-compatible gpt-4o-mini · 5 Mar 2026, 14:02 · 140 messages".
import type { JsonValue, RunRecord } from '../../api/contract';
import { formatDateTime } from '../../components/format';

/** "draft 1a2b3c" or "v3". */
export function rulebookLabel(rulebook: RunRecord['rulebook']): string {
  if (rulebook.version !== null) return `v${rulebook.version}`;
  const hash = (rulebook.hash ?? '').replace(/^sha256:/, '').slice(0, 6);
  return hash ? `draft ${hash}` : 'draft';
}

/** "embedded", or "OpenAI-compatible gpt-4o-mini" (the embedded provider has no model to name). */
export function providerModel(provider: string, model: string): string {
  if (!provider) return 'provider unknown';
  if (provider === 'embedded') return 'embedded';
  const kind = provider === 'openai' ? 'OpenAI-compatible' : provider;
  return model ? `${kind} ${model}` : kind;
}

export function runLabel(run: RunRecord): string {
  const n = run.total;
  return [run.kind, rulebookLabel(run.rulebook), providerModel(run.provider, run.model), formatDateTime(run.finishedAt ?? run.startedAt ?? run.createdAt), `${n.toLocaleString()} message${n === 1 ? '' : 's'}`].join(' · ');
}

/** The two runs to compare at first: the two newest finished ones, the older as A (the reference). */
export function defaultPair(runs: RunRecord[]): { a: string | null; b: string | null } {
  const done = runs.filter((r) => r.status === 'done').sort((x, y) => (y.finishedAt ?? y.createdAt).localeCompare(x.finishedAt ?? x.createdAt));
  return { a: done[1]?.id ?? null, b: done[0]?.id ?? null };
}

/** A value as the screen writes it: strings bare (the empty one as ""), null as null, absent as absent. */
export function valueText(value: JsonValue | undefined): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}
