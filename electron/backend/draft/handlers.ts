// The draft rulebook edited in the app (issue 9): schema changes with impact, history and undo
// (schema-handlers.ts); name, instructions, model settings and the prompt preview (edit-handlers.ts).
import type { BackendContext } from '../context.js';
import { createEditHandlers, type EditHandlers } from './edit-handlers.js';
import { createSchemaHandlers, type SchemaHandlers } from './schema-handlers.js';

export type DraftHandlers = SchemaHandlers & EditHandlers;

export function createDraftHandlers(ctx: BackendContext): DraftHandlers {
  return { ...createSchemaHandlers(ctx), ...createEditHandlers(ctx) };
}
