// The response cache: keyed by everything that decides a model's answer, so a re-run is free and
// returns exactly what the model said the first time.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '../rulebook/canonical.js';
import type { ChatMessage, ProviderResponse } from '../providers/types.js';

export interface ResponseCache {
  get(key: string): Promise<ProviderResponse | undefined>;
  set(key: string, value: ProviderResponse): Promise<void>;
}

export interface CacheKeyInput {
  providerIdentity: string;
  model: string;
  params: { temperature: number; seed: number; maxTokens?: number };
  schemaName: string;
  /** From `promptHash`: the messages and the JSON schema the model is given. */
  promptHash: string;
}

/** Bumped when what a cached answer means changes, so old entries are not reused. */
const CACHE_KEY_VERSION = 2;

/** sha256 hex of the canonical prompt: the chat messages and the output's JSON schema. */
export function promptHash(messages: readonly ChatMessage[], jsonSchema: Record<string, unknown>): string {
  return sha256Hex(canonicalJson({ messages, jsonSchema }));
}

export function cacheKey(input: CacheKeyInput): string {
  const params: Record<string, number> = { temperature: input.params.temperature, seed: input.params.seed };
  if (input.params.maxTokens !== undefined) params.maxTokens = input.params.maxTokens;
  return sha256Hex(canonicalJson({ v: CACHE_KEY_VERSION, ...input, params }));
}

/** An in-memory cache with least-recently-used eviction. */
export class MemoryCache implements ResponseCache {
  private readonly entries = new Map<string, ProviderResponse>();
  constructor(private readonly maxEntries = 10_000) {}
  async get(key: string): Promise<ProviderResponse | undefined> {
    const v = this.entries.get(key);
    if (v) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }
  async set(key: string, value: ProviderResponse): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
  get size(): number {
    return this.entries.size;
  }
}

/** A folder of JSON files, one per key (`ab/abcdef….json`), written atomically. */
export class FolderCache implements ResponseCache {
  constructor(readonly dir: string) {}
  private file(key: string): string {
    if (!/^[0-9a-f]{16,}$/.test(key)) throw new Error(`not a cache key: ${key}`);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
  async get(key: string): Promise<ProviderResponse | undefined> {
    const file = this.file(key);
    try {
      const v = JSON.parse(await readFile(file, 'utf8')) as ProviderResponse;
      return typeof v?.raw === 'string' ? v : undefined;
    } catch {
      return undefined; // absent or half-written by a crashed process: treat as a miss
    }
  }
  async set(key: string, value: ProviderResponse): Promise<void> {
    const file = this.file(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, file);
  }
}
