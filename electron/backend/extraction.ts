// Extracting workspace messages with the draft rulebook, through the same runtime pipeline that
// production services use, and storing each result with its trace.
import { createHash } from 'node:crypto';
import type { Extraction, ExtractionResult, RulebookArtifact } from '../../shared/src/domain.js';
import { createExtractor, type Extractor } from '../../shared/src/pipeline/extractor.js';
import { mapInOrder } from '../../shared/src/pipeline/many.js';
import { MemoryCache, type ResponseCache } from '../../shared/src/pipeline/cache.js';
import { createProvider, type ProviderConfig } from '../../shared/src/providers/create.js';
import { ProviderError, type Provider } from '../../shared/src/providers/types.js';
import { PrecedentIndex } from '../../shared/src/retrieval/index.js';
import { toMessageInput, type StoredMessage } from '../services/workspace/index.js';
import { schemaHashOf } from './draft/stale.js';
import type { WorkspaceAccess } from './context.js';
import { RateLimiter } from './runs/rate-limit.js';
import { reviewPriority } from './teach/review-priority.js';

/** Valid output counts as extracted; anything the schema refuses (or a review check flags) needs a person. */
export function statusAfter(result: ExtractionResult, flagged = false): 'extracted' | 'needs_review' {
  return result.valid && !flagged ? 'extracted' : 'needs_review';
}

/**
 * Whether a result the schema accepted should still go to a person (the teach handlers install one:
 * output that disagrees with the precedents it was shown). Cheap; a check that throws flags nothing.
 */
export type ReviewCheck = (result: ExtractionResult, rulebook: RulebookArtifact) => boolean;

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
  private reviewCheck: ReviewCheck | null = null;
  /** Precedent outputs by id, per rulebook (for the review priority). */
  private readonly precedentOutputs = new WeakMap<RulebookArtifact, Map<string, Extraction>>();

  constructor(
    private readonly workspace: WorkspaceAccess,
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

  /** Installs the check that can send a valid result to review; null removes it. */
  setReviewCheck(check: ReviewCheck | null): void {
    this.reviewCheck = check;
  }

  /** The status a fresh result gives its message: `statusAfter`, with the review check applied. */
  statusFor(result: ExtractionResult, rulebook: RulebookArtifact): 'extracted' | 'needs_review' {
    let flagged = false;
    if (result.valid && this.reviewCheck) {
      try {
        flagged = this.reviewCheck(result, rulebook);
      } catch {
        flagged = false;
      }
    }
    return statusAfter(result, flagged);
  }

  /**
   * How likely a fresh result is wrong (review-priority.ts), scored against the precedents of the
   * rulebook it ran under; stored with the extraction, it orders "needs review". Null without a
   * trace, or when scoring fails. (No workspace-typical retrieval score: only "no precedent at all"
   * counts as no close precedent.)
   */
  reviewPriorityFor(result: ExtractionResult, rulebook: RulebookArtifact): number | null {
    if (!result.trace) return null;
    let outputs = this.precedentOutputs.get(rulebook);
    if (!outputs) {
      outputs = new Map(rulebook.precedents.map((p) => [p.id, p.output]));
      this.precedentOutputs.set(rulebook, outputs);
    }
    const lookup = outputs;
    try {
      return reviewPriority(result, { schema: rulebook.schema, precedentOutput: (id) => lookup.get(id) }).score;
    } catch {
      return null;
    }
  }

  /**
   * Extracts and stores one message; the message's status follows the result, unless a person has
   * decided on it (`machineMayReplace`), also while it was being extracted (a run loads its
   * messages before it starts). The extraction and the status are stored in one unit of work.
   */
  async extractOne(message: StoredMessage, runId: string | null = null): Promise<ExtractionResult> {
    const extractor = this.current();
    const result = await extractor.extract(toMessageInput(message));
    const { repos, transaction } = this.workspace;
    const reviewPriority = this.reviewPriorityFor(result, extractor.rulebook);
    const status = this.statusFor(result, extractor.rulebook);
    transaction(() => {
      repos.extractions.insert({
        messageId: message.id,
        runId,
        rulebookVersion: null,
        rulebookHash: extractor.rulebook.hash,
        // The schema it ran under, which the draft may have left while the model answered.
        schemaHash: schemaHashOf(extractor.rulebook),
        result,
        reviewPriority,
      });
      repos.messages.setMachineStatus(message.id, status);
    });
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
