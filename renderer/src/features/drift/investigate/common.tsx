// Pieces the three investigation panels share: the rulebook picker (the draft or a published
// version), provider and model (defaulting to the draft's), the progress of a repeat run or a
// replay with its Cancel, "Open in review", a value written as the Drift screen writes it, and a
// store that outlives the panel (one per window's stores, so switching tabs keeps a run followed).
// Everything from a message or a model is rendered as React text, never as HTML.
import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand';
import type { ApiFailure, CasebookApi, JsonValue } from '../../../api/contract';
import { toFailure } from '../../../api/errors';
import type { VersionSummary } from '../../../../../shared/src/api/records.js';
import { useRulebook, useStores, type Stores } from '../../../stores';
import { valueText } from '../runLabel';

export type VersionChoice = number | 'draft';
export type ProviderChoice = 'embedded' | 'openai';

/** Run statuses that are still going. */
export const LIVE = new Set(['queued', 'running']);

/** "96%", "2.5%", "97.5%", "0%": a decimal near 0 and 100, never rounded to either. */
export function percent(share: number): string {
  const p = share * 100;
  if (!Number.isFinite(p)) return '—';
  if (Number.isInteger(p) || (p > 10 && p < 90)) return `${Math.round(p)}%`;
  // Near the ends, a decimal: 99.6% is not every message, 0.4% is not none.
  const text = p.toFixed(1);
  if (text === '100.0') return '99.9%';
  if (text === '0.0') return '0.1%';
  return `${text}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "v3", "the draft". */
export function versionText(version: VersionChoice | null): string {
  if (version === null) return 'unknown version';
  return version === 'draft' ? 'the draft' : `v${version}`;
}

/** One store per window's stores (a workspace switch makes new stores, and so a fresh panel state). */
export function usePanelStore<S>(key: string, create: (api: CasebookApi) => StoreApi<S>): StoreApi<S> {
  const stores = useStores();
  return panelStore(stores, key, create);
}

const panelStores = new WeakMap<Stores['navigation'], Map<string, StoreApi<unknown>>>();

function panelStore<S>(stores: Stores, key: string, create: (api: CasebookApi) => StoreApi<S>): StoreApi<S> {
  let map = panelStores.get(stores.navigation);
  if (!map) panelStores.set(stores.navigation, (map = new Map()));
  let store = map.get(key) as StoreApi<S> | undefined;
  if (!store) {
    store = create(stores.api);
    map.set(key, store as StoreApi<unknown>);
  }
  return store;
}

/** The published versions, newest first (an empty list when they cannot be listed: the draft is always there). */
export function useVersions(): { versions: VersionSummary[] | null; error: ApiFailure | null } {
  const { api } = useStores();
  const [state, setState] = useState<{ versions: VersionSummary[] | null; error: ApiFailure | null }>({ versions: null, error: null });
  useEffect(() => {
    let live = true;
    api.listVersions({}).then(
      (list) => live && setState({ versions: [...list].sort((x, y) => y.version - x.version), error: null }),
      (error: unknown) => live && setState({ versions: [], error: toFailure(error) }),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return state;
}

export function VersionSelect({ value, onChange, testId, label = 'Rulebook', versions }: { value: VersionChoice; onChange(v: VersionChoice): void; testId: string; label?: string; versions: VersionSummary[] | null }) {
  const known = value === 'draft' || (versions ?? []).some((v) => v.version === value);
  return (
    <label className="form-row">
      <span>{label}</span>
      <select className="input" value={String(value)} data-testid={testId} onChange={(e) => onChange(e.target.value === 'draft' ? 'draft' : Number(e.target.value))}>
        <option value="draft">The draft</option>
        {!known ? <option value={String(value)}>v{value}</option> : null}
        {(versions ?? []).map((v) => (
          <option key={v.version} value={String(v.version)}>
            v{v.version}
            {v.labels.length ? ` (${v.labels.join(', ')})` : ''}
            {v.note ? ` — ${v.note.slice(0, 60)}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The provider and model chosen; null until the person changes them (then the draft's apply). */
export interface ProviderModelChoice {
  provider: ProviderChoice | null;
  model: string | null;
}

/** The draft's provider and model under what the person changed. */
export function useEffectiveProvider(choice: ProviderModelChoice): { provider: ProviderChoice; model: string } {
  const settings = useRulebook((s) => s.rulebook?.settings);
  const provider = choice.provider ?? (settings?.provider === 'openai' ? 'openai' : 'embedded');
  const model = choice.model ?? settings?.model ?? '';
  return { provider, model };
}

/** The contract's provider and model arguments: the provider always, the model only for an OpenAI-compatible one. */
export function providerArgs(effective: { provider: ProviderChoice; model: string }): { provider: ProviderChoice; model?: string } {
  const model = effective.model.trim();
  return effective.provider === 'openai' && model ? { provider: 'openai', model } : { provider: effective.provider };
}

export function ProviderModelFields({ choice, onChange, idPrefix }: { choice: ProviderModelChoice; onChange(c: ProviderModelChoice): void; idPrefix: string }) {
  const effective = useEffectiveProvider(choice);
  return (
    <>
      <label className="form-row">
        <span>Provider</span>
        <select className="input" value={effective.provider} data-testid={`${idPrefix}-provider`} onChange={(e) => onChange({ ...choice, provider: e.target.value === 'openai' ? 'openai' : 'embedded' })}>
          <option value="embedded">Embedded (no model)</option>
          <option value="openai">OpenAI-compatible</option>
        </select>
      </label>
      {effective.provider === 'openai' ? (
        <label className="form-row">
          <span>Model</span>
          <input className="input" value={effective.model} maxLength={200} placeholder="gpt-4o-mini" data-testid={`${idPrefix}-model`} onChange={(e) => onChange({ ...choice, model: e.target.value })} />
        </label>
      ) : null}
    </>
  );
}

export interface Progress {
  status: string;
  done: number;
  total: number;
}

/** A run going on: what it is, how far, and Cancel. */
export function ProgressBar({ label, progress, unit, cancelling, onCancel, testId }: { label: string; progress: Progress; unit: string; cancelling: boolean; onCancel(): void; testId: string }) {
  return (
    <div className="investigate-progress" role="status" data-testid={testId}>
      <span>
        {label} {progress.status === 'queued' ? 'queued' : 'running'}: {progress.done.toLocaleString()} of {plural(progress.total, unit)}
      </span>
      <progress max={Math.max(1, progress.total)} value={progress.done} aria-label={`${label} progress`} />
      <button type="button" className="button button-small" disabled={cancelling} data-testid={`${testId}-cancel`} onClick={onCancel}>
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

/** Opens a message in the inbox's review panel. */
export function useOpenInReview(): (messageId: string) => void {
  const { navigation, inbox } = useStores();
  return (messageId) => {
    navigation.getState().go('inbox');
    inbox.getState().select(messageId);
  };
}

/** A value as the Drift screen writes it (strings bare, "" for the empty one, null and absent greyed). */
export function Value({ value }: { value: JsonValue | undefined }) {
  if (value === undefined) return <span className="null-value">absent</span>;
  if (value === null) return <span className="null-value">null</span>;
  return <span className="drift-value">{valueText(value)}</span>;
}

/** Same JSON, same value. */
export function sameValue(x: JsonValue | undefined, y: JsonValue | undefined): boolean {
  return JSON.stringify(x) === JSON.stringify(y);
}
