import { describe, expect, it, vi } from 'vitest';
import { chooseApi } from './index';
import type { CasebookApi } from './contract';
import { takeLaunchToken, type TokenEnvironment } from './token';

function environment(hash: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaceState = vi.fn();
  const env: TokenEnvironment = {
    location: { hash, pathname: '/', search: '?x=1' },
    history: { replaceState, state: null },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  };
  return { env, storage, replaceState };
}

describe('launch token', () => {
  it('is read from the URL fragment, kept in sessionStorage, and removed from the address bar', () => {
    const { env, storage, replaceState } = environment('#token=abc123');
    expect(takeLaunchToken(env)).toBe('abc123');
    expect(storage.get('casebook.token')).toBe('abc123');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?x=1');
  });

  it('keeps other fragment parameters', () => {
    const { env, replaceState } = environment('#token=abc&view=inbox');
    takeLaunchToken(env);
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?x=1#view=inbox');
  });

  it('comes from sessionStorage after a reload, without touching history', () => {
    const { env, replaceState } = environment('', { 'casebook.token': 'kept' });
    expect(takeLaunchToken(env)).toBe('kept');
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('is null when there is none', () => {
    expect(takeLaunchToken(environment('').env)).toBeNull();
  });
});

describe('chooseApi', () => {
  it("uses Electron's preload bridge when it exists, and never reads a token then", () => {
    const bridge = { getAppInfo: vi.fn() } as unknown as CasebookApi;
    const { env, replaceState } = environment('#token=zzz');
    expect(chooseApi({ ...env, casebook: bridge })).toBe(bridge);
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('otherwise uses the HTTP adapter with the fragment token', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: true, result: { total: 0 } })));
    const { env } = environment('#token=frag');
    const api = chooseApi(env, fetch as unknown as typeof globalThis.fetch);
    await api.getCounts({});
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer frag');
  });
});
