import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRulebook, RulebookError, serializeRulebook } from '../rulebook/index.js';
import { printable } from '../rulebook/printable.js';
import { parseSchemaSpec, SchemaSpecError } from '../schema/spec.js';
import { CliError, parseJsonFile, readText, writeFileAtomic } from './io.js';

export const help = `casebook new --schema SCHEMA.json --out RULEBOOK.json [--id ID] [--name NAME] [--instructions FILE] [--force]

Creates version 1 of a rulebook from a schema file:
  {"fields": [{"name": "issue_type", "type": "enum", "nullable": false, "description": "...",
               "values": ["account", {"value": "billing", "description": "...", "aliases": ["invoice"]}],
               "aliases": ["category"]}, ...]}
Field types: string, enum, number, boolean, date, string_list. Fields are nullable unless "nullable": false.
--instructions FILE gives the model's instructions (plain text); --force overwrites --out.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { schema: { type: 'string' }, out: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, instructions: { type: 'string' }, force: { type: 'boolean' } },
    strict: true,
  });
  if (!values.schema) throw new CliError('--schema SCHEMA.json is required', 2);
  if (!values.out) throw new CliError('--out RULEBOOK.json is required', 2);
  if (values.name !== undefined && !values.name.trim()) throw new CliError('--name must not be empty', 2);
  if (existsSync(values.out) && !values.force) throw new CliError(`${values.out} already exists; pass --force to overwrite it`);
  const spec = parseJsonFile(await readText(values.schema, 'schema'), values.schema);
  let schema;
  try {
    schema = parseSchemaSpec(spec, values.schema);
  } catch (err) {
    if (err instanceof SchemaSpecError) throw new CliError(`${values.schema}: invalid schema:`, 1, err.problems.map((p) => `- ${p}`));
    throw err;
  }
  const instructions = values.instructions ? (await readText(values.instructions, 'instructions')).trim() : undefined;
  let rulebook;
  try {
    rulebook = createRulebook({
      name: values.name ?? values.id ?? 'Untitled rulebook',
      schema,
      ...(values.id ? { id: values.id } : {}),
      ...(instructions ? { instructions } : {}),
    });
  } catch (err) {
    if (err instanceof RulebookError) throw new CliError(err.message);
    throw err;
  }
  await writeFileAtomic(values.out, serializeRulebook(rulebook));
  process.stderr.write(`${printable(`wrote ${values.out}: rulebook ${rulebook.id} version ${rulebook.version} (${schema.fields.length} fields) ${rulebook.hash}`)}\n`);
  return 0;
}
