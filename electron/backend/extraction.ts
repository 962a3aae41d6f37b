// Extracting workspace messages with the draft rulebook, through the same runtime pipeline that
// production services use, and storing each result with its trace.
import { createHash } from 'node:crypto';
import type { Extraction, ExtractionResult, ModelSettings, RulebookArtifact } from '../../shared/src/domain.js';
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
import { assess, type Assessment } from './teach/confidence.js';
import { DEFAULT_REVIEW_THRESHOLD } from '../../shared/src/api/names.js';

export interface ExtractionServiceOptions {
  /**
   * Where model answers are kept; one cache for the backend's lifetime, shared across draft
   * changes (keys cover the prompt). The backend passes the workspace's persistent cache; an
   * in-memory one by default.
   */
  cache?: ResponseCache;
  /** Requests per second to a model provider (read before each request); 0 or less: no limit. */
  ratePerSecond?: () => number;
  /** Below this confidence (0..1) a machine's answer needs review (read for each result). */
  reviewThreshold?: () => number;
}

export class ExtractionService {
  private extractor: Extractor | null = null;
  private extractorKey = '';
  /** The last extractor made by forArtifact, and its key. */
  private other: { key: string; extractor: Extractor } | null = null;
  private readonly cache: ResponseCache;
  private readonly limiter: RateLimiter;
  private readonly reviewThreshold: () => number;
  /** Precedent outputs by id, per rulebook (for the review priority). */
  private readonly precedentOutputs = new WeakMap<RulebookArtifact, Map<string, Extraction>>();

  constructor(
    private readonly workspace: WorkspaceAccess,
    private readonly draft: () => RulebookArtifact,
    /**
     * The provider the draft's settings name, with the host's base URL and key; given settings (a
     * comparison run's), the provider those name, configured the same way.
     */
    private readonly provider: (settings?: ModelSettings) => ProviderConfig,
    options: ExtractionServiceOptions = {},
  ) {
    this.cache = options.cache ?? new MemoryCache(50_000);
    const rate = options.ratePerSecond ?? (() => 0);
    this.limiter = new RateLimiter(rate);
    this.reviewThreshold = options.reviewThreshold ?? (() => DEFAULT_REVIEW_THRESHOLD);
  }

  /** The extractor for the current draft and provider (API key included), rebuilt only when one changed. */
  current(): Extractor {
    const rulebook = this.draft();
    const provider = this.provider();
    const key = extractorKey(rulebook, provider);
    if (!this.extractor || key !== this.extractorKey) {
      this.extractor = this.build(rulebook, provider);
      this.extractorKey = key;
    }
    return this.extractor;
  }

  /** The draft rulebook extractions run under (refused, with the reason, when it cannot run). */
  draftRulebook(): RulebookArtifact {
    return this.draft();
  }

  /**
   * An extractor for another rulebook (a published version, or the draft) and, when given, another
   * provider or model: a comparison run's. Configured as the draft's is (host base URL and key, the
   * rate limit, the workspace's response cache); the last one made is kept while its key holds.
   */
  forArtifact(rulebook: RulebookArtifact, override: Partial<Pick<ModelSettings, 'provider' | 'model'>> = {}): Extractor {
    const settings: ModelSettings = { ...rulebook.settings, ...override };
    const provider = this.provider(settings);
    const key = extractorKey(rulebook, provider);
    if (this.other?.key !== key) this.other = { key, extractor: this.build(rulebook, provider) };
    return this.other.extractor;
  }

  private build(rulebook: RulebookArtifact, provider: ProviderConfig): Extractor {
    const index = PrecedentIndex.build(rulebook.precedents);
    const made = createProvider(provider, { rulebook, index });
    // The embedded provider is no remote model: nothing to rate-limit.
    const gated = made.name === 'embedded' ? made : this.rateLimited(made);
    return createExtractor(rulebook, { provider: gated, cache: this.cache, index });
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

  /**
   * How sure the machine was of a fresh result (teach/confidence.ts), scored against the precedents
   * of the rulebook it ran under: the status it earns, the review priority and the reasons stored
   * with it (they order and explain "needs review").
   */
  assess(result: ExtractionResult, rulebook: RulebookArtifact): Assessment {
    let outputs = this.precedentOutputs.get(rulebook);
    if (!outputs) {
      outputs = new Map(rulebook.precedents.map((p) => [p.id, p.output]));
      this.precedentOutputs.set(rulebook, outputs);
    }
    const lookup = outputs;
    return assess(result, rulebook, this.reviewThreshold(), (id) => lookup.get(id));
  }

  /** The status a fresh result gives its message (see assess). */
  statusFor(result: ExtractionResult, rulebook: RulebookArtifact): 'extracted' | 'needs_review' {
    return this.assess(result, rulebook).status;
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
    const { status, reviewPriority, reasons } = this.assess(result, extractor.rulebook);
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
        reasons,
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

/** What an extractor is made of: the rulebook's hash and the provider's config (the key itself only as its hash). */
function extractorKey(rulebook: RulebookArtifact, provider: ProviderConfig): string {
  const apiKey = provider.kind === 'openai' && provider.apiKey !== undefined ? createHash('sha256').update(provider.apiKey).digest('hex') : null;
  return `${rulebook.hash}|${JSON.stringify({ ...provider, apiKey })}`;
}
