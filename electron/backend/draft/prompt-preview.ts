// The prompt as the model would see it for a message: built by the extractor the next run will use
// (ExtractionService.current(), so the draft and provider as they are now), from its own retrieval
// and the runtime's buildPrompt and compileJsonSchema: the same functions, in the same order, that
// extract() calls. electron/backend/draft/edit-handlers.test.ts compares the result with the request
// the pipeline sends a model, so the two cannot drift apart unnoticed.
import type { PromptPreview } from '../../../shared/src/api/index.js';
import type { JsonValue, MessageInput } from '../../../shared/src/domain.js';
import type { Extractor } from '../../../shared/src/pipeline/extractor.js';
import { normaliseMessage } from '../../../shared/src/pipeline/normalise.js';
import { buildPrompt } from '../../../shared/src/prompt/index.js';
import { compileJsonSchema } from '../../../shared/src/schema/json-schema.js';

/** Characters of a precedent's text shown beside its score. */
const PREVIEW_CHARS = 160;
/** Scores as the trace rounds them, so the preview and the Why panel agree. */
const round = (x: number) => Math.round(x * 1e4) / 1e4;

export function previewPromptFor(extractor: Extractor, input: MessageInput): PromptPreview {
  const { rulebook, provider } = extractor;
  const message = normaliseMessage(input);
  // As extract(): retrieve at the extractor's own depth, show the k most similar.
  const shown = extractor.retrieve(message).slice(0, rulebook.settings.k);
  const messages = buildPrompt({ instructions: rulebook.instructions, schema: rulebook.schema, rules: rulebook.rules, message, precedents: shown });
  const embedded = provider.name === 'embedded';
  return {
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    precedents: shown.map(({ precedent, score }) => ({ id: precedent.id, score: round(score), preview: precedent.message.text.slice(0, PREVIEW_CHARS) })),
    jsonSchema: compileJsonSchema(rulebook.schema) as Record<string, JsonValue>,
    provider: embedded ? 'embedded' : 'openai',
    // The embedded provider asks no model: it answers from rules and precedents.
    model: embedded ? null : provider.model,
  };
}
