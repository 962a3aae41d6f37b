// @casebook/runtime: what production services import to extract exactly as the Casebook app does.
export * from './domain.js';
export { RUNTIME_VERSION } from './version.js';

export { createExtractor, type Extractor, type ExtractorOptions, type ExtractOptions } from './pipeline/extractor.js';
export { MemoryCache, FolderCache, cacheKey, promptHash, type ResponseCache } from './pipeline/cache.js';
export { normaliseMessage, normaliseText } from './pipeline/normalise.js';
export { parseModelOutput } from './pipeline/parse.js';
export { mapInOrder } from './pipeline/many.js';

export { createProvider, type ProviderConfig } from './providers/create.js';
export { createEmbeddedProvider } from './providers/embedded.js';
export { createOpenAIProvider } from './providers/openai.js';
export { ProviderError, type Provider, type ProviderRequest, type ProviderResponse, type ChatMessage, type RetrievedPrecedent } from './providers/types.js';

export { PrecedentIndex } from './retrieval/index.js';
export * from './rulebook/index.js';
export { parseSchemaSpec, SchemaSpecError, compileJsonSchema, validateExtraction, applyAliases } from './schema/index.js';
export { matchCondition, applyOverrides, rulePatternProblem, RulePatternError } from './rules/index.js';
export { buildPrompt, parseMessageBlock } from './prompt/index.js';

export { TRACE_LINE_VERSION, type TraceLine, type RuntimeStatus, type LoadedRulebook } from './service/types.js';
export { createTraceLog, traceLineOf, traceFileName, utcDay, TRACE_FILE_PREFIX, type TraceLog, type TraceLogOptions, type TraceLineMeta } from './service/trace-log.js';
export { createStatusReporter, statusHandler, DEFAULT_STATUS_PATH, type StatusReporter, type StatusReporterOptions } from './service/status.js';
export { createRulebookService, type RulebookService, type RulebookServiceOptions, type ExtractCallOptions } from './service/service.js';
