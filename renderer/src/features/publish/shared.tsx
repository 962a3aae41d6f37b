// Small pieces the History and Deployments screens share: a hash shown short (and copyable), a
// remote list loaded with its loading and error states and reloaded on publishChanged, a Copy button.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFailure } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useStores } from '../../stores';

/** `sha256:ab12…` as its first 12 hex digits. */
export function shortHash(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, 12);
}

/** Copies text to the clipboard; false when the host refused (no permission, no clipboard). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function CopyButton({ text, label = 'Copy', testId }: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="button button-small"
      data-testid={testId}
      onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
      title={state === 'failed' ? 'The clipboard refused: select the text and copy it by hand' : undefined}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

/** A hash shown short, the whole of it in the title, with a copy button. */
export function Hash({ hash, testId }: { hash: string; testId?: string }) {
  return (
    <span className="hash">
      <code title={hash} data-testid={testId}>
        {shortHash(hash)}
      </code>
      <CopyButton text={hash} label="Copy" />
    </span>
  );
}

export interface Remote<T> {
  data: T | null;
  error: ApiFailure | null;
  loading: boolean;
  reload(): Promise<void>;
  /** Replaces the data with a call's answer (a call that returns the new state). */
  set(data: T): void;
}

/**
 * Loads `load()` once, again on `reload()`, and again whenever the backend announces publishChanged.
 * The data stays shown while a reload runs; an error of a reload is shown beside it.
 */
export function useRemote<T>(load: () => Promise<T>, options: { followPublish?: boolean } = {}): Remote<T> {
  const { api } = useStores();
  const [state, setState] = useState<{ data: T | null; error: ApiFailure | null; loading: boolean }>({ data: null, error: null, loading: true });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const alive = useRef(true);
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current();
      if (alive.current && mine === seq.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (alive.current && mine === seq.current) setState((s) => ({ data: s.data, error: toFailure(error), loading: false }));
    }
  }, []);
  const set = useCallback((data: T) => {
    seq.current++;
    setState({ data, error: null, loading: false });
  }, []);
  useEffect(() => {
    alive.current = true;
    void reload();
    return () => {
      alive.current = false;
    };
  }, [reload]);
  const follow = options.followPublish ?? true;
  useEffect(() => (follow ? api.on('publishChanged', () => void reload()) : undefined), [api, reload, follow]);
  return { ...state, reload, set };
}
