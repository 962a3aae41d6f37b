// Validators for what the workspace and draft-editing screens send: fields, schema changes, how a
// workspace starts. Shapes mirror shared/src/api/records.ts and shared/src/domain.ts exactly.
import { z } from 'zod';
import type { EnumValue, FieldSpec } from '../domain.js';
import { FIELD_TYPES } from '../rulebook/schema-def.js';
import type { SchemaChange, WorkspaceStart } from './records.js';
import { MAX_ENUM_VALUES, WORKSPACE_TEMPLATES } from './names.js';
import { fieldName } from './teach-schemas.js';

const alias = z.string().trim().min(1).max(100);
const aliases = z.array(alias).max(20);
const description = z.string().max(2000);
const valueName = z.string().trim().min(1).max(100);

export const enumValue: z.ZodType<EnumValue> = z.object({ value: valueName, description: description.optional(), aliases: aliases.optional() }).strict();

export const fieldSpec: z.ZodType<FieldSpec> = z
  .object({
    name: fieldName,
    type: z.enum(FIELD_TYPES),
    nullable: z.boolean(),
    description: description.optional(),
    values: z.array(enumValue).max(MAX_ENUM_VALUES).optional(),
    aliases: aliases.optional(),
  })
  .strict();

const index = z.number().int().min(0).max(10_000);

export const schemaChange: z.ZodType<SchemaChange> = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add_field'), field: fieldSpec, index: index.optional() }).strict(),
  z.object({ op: z.literal('rename_field'), field: fieldName, to: fieldName }).strict(),
  z.object({ op: z.literal('move_field'), field: fieldName, index }).strict(),
  z.object({ op: z.literal('remove_field'), field: fieldName }).strict(),
  z
    .object({
      op: z.literal('update_field'),
      field: fieldName,
      set: z
        .object({
          type: z.enum(FIELD_TYPES).optional(),
          nullable: z.boolean().optional(),
          description: description.nullable().optional(),
          aliases: aliases.optional(),
          /** The values of a field whose type becomes enum (without them, the values its precedents and rules use). */
          values: z.array(enumValue).min(1).max(MAX_ENUM_VALUES).optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ op: z.literal('add_value'), field: fieldName, value: enumValue, index: index.optional() }).strict(),
  z.object({ op: z.literal('rename_value'), field: fieldName, value: valueName, to: valueName }).strict(),
  z
    .object({ op: z.literal('update_value'), field: fieldName, value: valueName, set: z.object({ description: description.nullable().optional(), aliases: aliases.optional() }).strict() })
    .strict(),
  z.object({ op: z.literal('merge_values'), field: fieldName, values: z.array(valueName).min(1).max(MAX_ENUM_VALUES), into: valueName }).strict(),
  z.object({ op: z.literal('remove_value'), field: fieldName, value: valueName }).strict(),
]) as z.ZodType<SchemaChange>;

/** A file as the import calls carry it; the content's size is checked by the import's own validator. */
export function workspaceStart(importFile: z.ZodType, importMapping: z.ZodType): z.ZodType<WorkspaceStart> {
  return z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('demo') }).strict(),
    z.object({ kind: z.literal('template'), template: z.enum(WORKSPACE_TEMPLATES) }).strict(),
    z
      .object({
        kind: z.literal('labelled'),
        file: importFile,
        mapping: importMapping,
        fields: z.array(z.object({ column: z.string().min(1).max(200), field: fieldSpec }).strict()).min(1).max(100),
      })
      .strict(),
    z.object({ kind: z.literal('rulebook'), file: importFile }).strict(),
  ]) as z.ZodType<WorkspaceStart>;
}

