import type { ExtractionSchema, FieldConfidence, FieldProbability, MessageInput, ModelSettings, Precedent, Rule, TokenUsage } from '../domain.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A precedent the retriever chose for this message, with its similarity score. */
export interface RetrievedPrecedent {
  precedent: Precedent;
  score: number;
}

/** Everything a provider is asked with. Chat providers read `messages`; the embedded one reads the structured parts. */
export interface ProviderRequest {
  messages: ChatMessage[];
  /** Strict JSON Schema of the output (OpenAI structured outputs form). */
  jsonSchema: Record<string, unknown>;
  schemaName: string;
  settings: ModelSettings;
  schema: ExtractionSchema;
  /** The message after normalisation. */
  message: MessageInput;
  precedents: RetrievedPrecedent[];
  rules: Rule[];
  signal?: AbortSignal;
}

export interface ProviderResponse {
  /** The model's answer, as text, before any parsing. */
  raw: string;
  usage: TokenUsage | null;
  /** The model that answered (a server may name a more precise version). */
  model: string;
  attempts: number;
  /** `json_schema`, `json_object` or `none`: how structured output was requested. */
  responseFormat: string;
  /** How sure the provider is of each field, when it can say (the embedded provider); copied to the trace. */
  confidence?: FieldConfidence[];
  /** The model's probability of each field's value, when the server returned log-probabilities; copied to the trace. */
  logprobs?: FieldProbability[];
}

export interface Provider {
  readonly name: string;
  readonly model: string;
  /**
   * What, besides the prompt, decides this provider's answer (the endpoint, for instance);
   * it goes into the cache key. Never the API key.
   */
  readonly identity: string;
  /** How many precedents the provider wants to see; the prompt still shows `settings.k`. */
  readonly retrievalDepth?: number;
  complete(request: ProviderRequest): Promise<ProviderResponse>;
  /**
   * Builds what answering for this schema needs (the embedded provider's per-field models), giving
   * the event loop a turn between steps, so the first answer does not hold the process for long.
   * Optional; answering builds whatever is missing anyway.
   */
  prepare?(schema: ExtractionSchema): Promise<void>;
}

/** A failure a provider reports; `code` tells callers what kind without parsing the message. */
export type ProviderErrorCode =
  | 'auth'
  | 'rate_limit'
  | 'timeout'
  | 'server'
  | 'bad_request'
  | 'unparseable'
  | 'network'
  | 'aborted';

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(code: ProviderErrorCode, message: string, opts: { status?: number; attempts?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProviderError';
    this.code = code;
    this.status = opts.status;
    this.attempts = opts.attempts ?? 1;
  }
}
