// The one extraction pipeline, used by the app and by production services alike:
// normalise -> pre-rules -> retrieve -> prompt -> provider (or cache) -> parse -> aliases ->
// validate -> overrides -> result with a trace that explains and reproduces it.
import { performance } from 'node:perf_hooks';
import type { Extraction, ExtractionResult, MessageInput, RulebookArtifact, Trace, ValidationError } from '../domain.js';
import { buildPrompt, guidanceRules } from '../prompt/build.js';
import type { Provider, ProviderRequest, ProviderResponse, RetrievedPrecedent } from '../providers/types.js';
import { createProvider, type ProviderConfig } from '../providers/create.js';
import { PrecedentIndex } from '../retrieval/index.js';
import { applyOverrides, matchPreRules, ruleText } from '../rules/overrides.js';
import { applyAliases } from '../schema/aliases.js';
import { compileJsonSchema, schemaName } from '../schema/json-schema.js';
import { validateExtraction } from '../schema/validate.js';
import { RUNTIME_VERSION } from '../version.js';
import { cacheKey, FolderCache, MemoryCache, promptHash, type ResponseCache } from './cache.js';
import { normaliseMessage } from './normalise.js';
import { parseModelOutput } from './parse.js';

export interface ExtractorOptions {
  /** A provider, or how to make one; defaults to the rulebook's settings (embedded unless it says otherwise). */
  provider?: Provider | ProviderConfig;
  /** A cache, a folder path for a folder cache, or false for none. Defaults to an in-memory cache. */
  cache?: ResponseCache | string | false;
  /** A prebuilt index over the rulebook's precedents (the app keeps one between runs). */
  index?: PrecedentIndex;
}

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Ask the provider even when the cache has an answer (the new answer replaces the cached one). */
  refresh?: boolean;
  /** Precedents not to retrieve, e.g. the one being replayed in a leave-one-out test. */
  excludePrecedents?: ReadonlySet<string>;
}

export interface Extractor {
  readonly rulebook: RulebookArtifact;
  readonly provider: Provider;
  extract(message: MessageInput, opts?: ExtractOptions): Promise<ExtractionResult>;
  /** The precedents the pipeline would retrieve for a message, most similar first. */
  retrieve(message: MessageInput, k?: number, exclude?: ReadonlySet<string>): RetrievedPrecedent[];
  /** Builds what the provider needs before its first answer, yielding between steps (once; later calls share it). */
  prepare(): Promise<void>;
}

function isProvider(p: Provider | ProviderConfig | undefined): p is Provider {
  return typeof (p as Provider | undefined)?.complete === 'function';
}

function makeCache(cache: ExtractorOptions['cache']): ResponseCache | null {
  if (cache === false) return null;
  if (typeof cache === 'string') return new FolderCache(cache);
  return cache ?? new MemoryCache();
}

export function createExtractor(rulebook: RulebookArtifact, opts: ExtractorOptions = {}): Extractor {
  const settings = rulebook.settings;
  const index = opts.index ?? PrecedentIndex.build(rulebook.precedents);
  const provider = isProvider(opts.provider)
    ? opts.provider
    : createProvider(opts.provider ?? { kind: settings.provider, model: settings.model }, { rulebook, index });
  const cache = provider.name === 'embedded' ? null : makeCache(opts.cache); // the embedded answer costs less than a cache read
  const jsonSchema = compileJsonSchema(rulebook.schema);
  const name = schemaName(rulebook.id);
  const guidance = guidanceRules(rulebook.rules).map((r) => r.id);
  const params = { temperature: settings.temperature, seed: settings.seed, k: settings.k, ...(settings.maxTokens ? { maxTokens: settings.maxTokens } : {}) };
  const depth = Math.max(settings.k, provider.retrievalDepth ?? 0);

  function retrieve(message: MessageInput, k = depth, exclude?: ReadonlySet<string>): RetrievedPrecedent[] {
    if (k <= 0 || index.size === 0) return [];
    const want = exclude?.size ? k + exclude.size : k;
    const hits = index.search(message, want).filter((h) => !exclude?.has(h.id));
    return hits.slice(0, k).map((h) => ({ precedent: rulebook.precedents[h.index]!, score: h.score }));
  }

  async function extract(input: MessageInput, eo: ExtractOptions = {}): Promise<ExtractionResult> {
    const t0 = performance.now();
    const message = normaliseMessage(input);
    const text = ruleText(message);
    const pre = matchPreRules(rulebook.rules, text);

    const retrieved = retrieve(message, depth, eo.excludePrecedents);
    const shown = retrieved.slice(0, settings.k);
    const messages = buildPrompt({ instructions: rulebook.instructions, schema: rulebook.schema, rules: rulebook.rules, message, precedents: shown });
    const prompt = promptHash(messages, jsonSchema);
    const key = cacheKey({
      providerIdentity: provider.identity,
      model: provider.model,
      params: { temperature: settings.temperature, seed: settings.seed, ...(settings.maxTokens ? { maxTokens: settings.maxTokens } : {}) },
      schemaName: name,
      promptHash: prompt,
    });

    let response: ProviderResponse | undefined = eo.refresh || !cache ? undefined : await cache.get(key);
    const cacheHit = response !== undefined;
    if (!response) {
      const request: ProviderRequest = {
        messages,
        jsonSchema,
        schemaName: name,
        settings,
        schema: rulebook.schema,
        message,
        precedents: retrieved,
        rules: rulebook.rules,
        ...(eo.signal ? { signal: eo.signal } : {}),
      };
      response = await provider.complete(request);
      if (cache) await cache.set(key, response);
    }

    const errors: ValidationError[] = [];
    const parsed = parseModelOutput(response.raw);
    if (!parsed.ok) errors.push({ path: '', message: parsed.error });
    const aliased = applyAliases(parsed.ok ? parsed.value : {}, rulebook.schema, rulebook.rules);
    const known = new Set(rulebook.schema.fields.map((f) => f.name));
    const kept: Extraction = {};
    for (const [k, v] of Object.entries(aliased.output)) {
      if (known.has(k)) kept[k] = v;
      // The app reads these back by this exact text (DROPPED_KEY_MESSAGE in api/names.ts; extractor.test checks they agree).
      else errors.push({ path: `/${k}`, message: 'is not a field of the schema; dropped' });
    }
    const { output: overridden, firings } = applyOverrides(rulebook.rules, text, kept, pre);
    // Keys in schema order, so the same answer always serialises the same way.
    const output: Extraction = {};
    for (const f of rulebook.schema.fields) if (Object.prototype.hasOwnProperty.call(overridden, f.name)) output[f.name] = overridden[f.name]!;
    if (parsed.ok || Object.keys(output).length) errors.push(...validateExtraction(output, rulebook.schema));

    const trace: Trace = {
      runtimeVersion: RUNTIME_VERSION,
      rulebook: { id: rulebook.id, version: rulebook.version, hash: rulebook.hash },
      provider: { name: provider.name, model: response.model || provider.model, params: { ...params, responseFormat: response.responseFormat } },
      promptHash: prompt,
      cacheKey: key,
      precedents: retrieved.map((r) => ({ id: r.precedent.id, score: round(r.score) })),
      guidance,
      rulesFired: firings,
      aliases: aliased.rewrites,
      rawOutput: response.raw,
      cacheHit,
      latencyMs: round(performance.now() - t0),
      usage: cacheHit ? null : response.usage,
      attempts: cacheHit ? 0 : response.attempts,
      ...(response.confidence ? { confidence: response.confidence } : {}),
      ...(response.logprobs?.length ? { logprobs: response.logprobs } : {}),
    };
    return { output, valid: errors.length === 0, errors, trace };
  }

  let prepared: Promise<void> | null = null;
  const prepare = () => (prepared ??= provider.prepare ? provider.prepare(rulebook.schema) : Promise.resolve());
  return { rulebook, provider, extract, retrieve, prepare };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
