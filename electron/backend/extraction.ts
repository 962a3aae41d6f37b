// Extracting workspace messages with the draft rulebook, through the same runtime pipeline that
// production services use, and storing each result with its trace.
import { createHash } from 'node:crypto';
import type { ExtractionResult, RulebookArtifact } from '../../shared/src/domain.js';
import { createExtractor, type Extractor } from '../../shared/src/pipeline/extractor.js';
import { mapInOrder } from '../../shared/src/pipeline/many.js';
import { MemoryCache, type ResponseCache } from '../../shared/src/pipeline/cache.js';
import { createProvider, type ProviderConfig } from '../../shared/src/providers/create.js';
import { ProviderError, type Provider } from '../../shared/src/providers/types.js';
import { PrecedentIndex } from '../../shared/src/retrieval/index.js';
import { toMessageInput, type MessageStatus, type Repositories, type StoredMessage } from '../services/workspace/index.js';
import { RateLimiter } from './runs/rate-limit.js';

/** Valid output counts as extracted; anything the schema refuses needs a person. */
export function statusAfter(result: ExtractionResult): MessageStatus {
  return result.valid ? 'extracted' : 'needs_review';
}

export interface ExtractionServiceOptions {
  /**
   * Where model answers are kept; one cache for the backend's lifetime, shared across draft
   * changes (keys cover the prompt). The backend passes the workspace's persistent cache; an
   * in-memory one by default.
   */
  cache?: ResponseCache;
  /** Requests per second to a model provider (read before each request); 0 or less: no limit. */
  ratePerSecond?: () => number;
}

export class ExtractionService {
  private extractor: Extractor | null = null;
  private extractorKey = '';
  private readonly cache: ResponseCache;
  private readonly limiter: RateLimiter;

  constructor(
    private readonly repos: Repositories,
    private readonly draft: () => RulebookArtifact,
    private readonly provider: () => ProviderConfig,
    options: ExtractionServiceOptions = {},
  ) {
    this.cache = options.cache ?? new MemoryCache(50_000);
    const rate = options.ratePerSecond ?? (() => 0);
    this.limiter = new RateLimiter(rate);
  }

  /** The extractor for the current draft and provider (API key included), rebuilt only when one changed. */
  current(): Extractor {
    const rulebook = this.draft();
    const provider = this.provider();
    // The key itself stays out of the cache key; its hash tells a changed key apart.
    const apiKey = provider.kind === 'openai' && provider.apiKey !== undefined ? createHash('sha256').update(provider.apiKey).digest('hex') : null;
    const key = `${rulebook.hash}|${JSON.stringify({ ...provider, apiKey })}`;
    if (!this.extractor || key !== this.extractorKey) {
      const index = PrecedentIndex.build(rulebook.precedents);
      const made = createProvider(provider, { rulebook, index });
      // The embedded provider is no remote model: nothing to rate-limit.
      const gated = made.name === 'embedded' ? made : this.rateLimited(made);
      this.extractor = createExtractor(rulebook, { provider: gated, cache: this.cache, index });
      this.extractorKey = key;
    }
    return this.extractor;
  }

  /** The provider with its requests spaced by the rate limit (cache hits never reach it). */
  private rateLimited(inner: Provider): Provider {
    const limiter = this.limiter;
    return {
      name: inner.name,
      model: inner.model,
      identity: inner.identity,
      ...(inner.retrievalDepth !== undefined ? { retrievalDepth: inner.retrievalDepth } : {}),
      async complete(request) {
        try {
          await limiter.wait(request.signal);
        } catch (err) {
          throw new ProviderError('aborted', 'the request was aborted while waiting for the rate limit', { attempts: 0, cause: err });
        }
        return inner.complete(request);
      },
    };
  }

  /** Extracts and stores one message; the message's status follows the result. */
  async extractOne(message: StoredMessage, runId: string | null = null): Promise<ExtractionResult> {
    const extractor = this.current();
    const result = await extractor.extract(toMessageInput(message));
    this.repos.extractions.insert({
      messageId: message.id,
      runId,
      rulebookVersion: null,
      rulebookHash: extractor.rulebook.hash,
      result,
    });
    // The status as stored now, not as `message` had it: a person may have corrected or accepted
    // the message while it was being extracted (a run loads its messages before it starts).
    // No await between this read and the write, so nothing else in this process comes between.
    const status = this.repos.messages.get(message.id)?.status;
    if (status === 'new' || status === 'extracted' || status === 'needs_review') {
      this.repos.messages.setStatus(message.id, statusAfter(result));
    }
    return result;
  }

  async extractMany(messages: readonly StoredMessage[], concurrency = 4): Promise<{ done: number; failed: number }> {
    let done = 0;
    let failed = 0;
    await mapInOrder(
      messages,
      concurrency,
      async (m) => this.extractOne(m).then(() => true, () => false),
      (ok) => void (ok ? done++ : failed++),
    );
    return { done, failed };
  }
}
