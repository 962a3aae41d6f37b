// The templates a workspace can start from, read from resources/templates/<id>.json (see the
// README there). A template's schema is read as `casebook new --schema` reads a schema file, so it
// gets the same checks; only "empty" may have no fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_TEMPLATES, type WorkspaceState, type WorkspaceTemplate } from '../../../shared/src/api/index.js';
import type { ExtractionSchema } from '../../../shared/src/domain.js';
import { parseSchemaSpec } from '../../../shared/src/schema/spec.js';

export interface Template {
  id: WorkspaceTemplate;
  name: string;
  description: string;
  instructions: string;
  schema: ExtractionSchema;
}

export type TemplateSummary = WorkspaceState['templates'][number];

function readTemplate(resourcesDir: string, id: WorkspaceTemplate): Template {
  const file = join(resourcesDir, 'templates', `${id}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; description?: unknown; instructions?: unknown; schema?: { fields?: unknown } };
  if (typeof raw.name !== 'string' || typeof raw.description !== 'string' || typeof raw.instructions !== 'string') {
    throw new Error(`${file}: a template needs a name, a description and instructions`);
  }
  // The format refuses a schema without fields; the empty template is the one place that starts so.
  const noFields = Array.isArray(raw.schema?.fields) && raw.schema.fields.length === 0;
  const schema: ExtractionSchema = noFields ? { fields: [] } : parseSchemaSpec(raw.schema, file);
  return { id, name: raw.name, description: raw.description, instructions: raw.instructions, schema };
}

/** Every template, in the contract's order; read once per folder. */
export function loadTemplates(resourcesDir: string): Template[] {
  return WORKSPACE_TEMPLATES.map((id) => readTemplate(resourcesDir, id));
}

export function templateSummary(t: Template): TemplateSummary {
  return { id: t.id, name: t.name, description: t.description, fields: t.schema.fields.map((f) => f.name) };
}
