// Any sequence of valid schema changes, each undone in reverse order, gives back exactly the
// workspace it started from (every table but the history; the draft setting's write time aside),
// and after every change the draft still loads.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaChange } from '../../../shared/src/api/index.js';
import type { ExtractionSchema, FieldType } from '../../../shared/src/domain.js';
import { propertyOptions } from '../../../shared/src/testing/property.js';
import { draftArtifact, readDraft } from '../draft.js';
import { demoWorkspaces, memorySettings, openContext, workspaceSnapshot, type ContextHarness, type DemoWorkspaces } from '../test-support.js';

let demo: DemoWorkspaces;
beforeAll(async () => {
  demo = await demoWorkspaces('casebook-schema-property-');
}, 60_000);
afterAll(() => demo.cleanup());

function stateOf(h: ContextHarness): Record<string, string[]> {
  const snapshot = workspaceSnapshot(h.ws);
  delete snapshot.draft_history;
  snapshot.settings = snapshot.settings!.map((row) => JSON.stringify({ ...(JSON.parse(row) as object), updated_at: null }));
  return snapshot;
}

const TYPES: FieldType[] = ['string', 'enum', 'number', 'boolean', 'date', 'string_list'];
type Step = [op: number, a: number, b: number, c: number];

/** A change of some kind over the schema as it is; the planner may still refuse it (then it is skipped). */
function changeFor(schema: ExtractionSchema, [op, a, b, c]: Step, n: number): SchemaChange | null {
  const fields = schema.fields;
  const field = fields[a % fields.length]!;
  const enums = fields.filter((f) => f.type === 'enum');
  const en = enums.length ? enums[a % enums.length]! : null;
  const values = en?.values ?? [];
  const value = values.length ? values[b % values.length]!.value : null;
  switch (op) {
    case 0: {
      const type = TYPES[b % TYPES.length]!;
      return { op: 'add_field', field: { name: `f${n}`, type, nullable: c % 2 === 0, ...(type === 'enum' ? { values: [{ value: `a${n}` }, { value: `b${n}` }] } : {}) }, index: c % (fields.length + 1) };
    }
    case 1:
      return { op: 'rename_field', field: field.name, to: `r${n}_${a % 10}` };
    case 2:
      return { op: 'move_field', field: field.name, index: b % fields.length };
    case 3:
      return { op: 'remove_field', field: field.name };
    case 4:
      return {
        op: 'update_field',
        field: field.name,
        set: [{ nullable: !field.nullable }, { description: `d${n}` }, { aliases: [`al${n}`] }, { type: 'string' as const }, { type: 'string_list' as const }][b % 5]!,
      };
    case 5:
      return en && { op: 'add_value', field: en.name, value: { value: `v${n}`, ...(c % 2 ? { aliases: [`w${n}`] } : {}) }, index: c % (values.length + 1) };
    case 6:
      return en && value !== null ? { op: 'rename_value', field: en.name, value, to: `v${n}` } : null;
    case 7:
      return en && value !== null ? { op: 'update_value', field: en.name, value, set: c % 2 ? { description: `d${n}` } : { aliases: [`w${n}`] } } : null;
    case 8: {
      const into = values.length > 1 ? values[c % values.length]!.value : null;
      return en && value !== null && into !== null && into !== value ? { op: 'merge_values', field: en.name, values: [value], into } : null;
    }
    default:
      return en && value !== null ? { op: 'remove_value', field: en.name, value } : null;
  }
}

describe('schema changes undone in reverse order', () => {
  it('give back exactly the starting workspace', async () => {
    const appliedPerRun: number[] = [];
    const step = fc.tuple(fc.nat(9), fc.nat(), fc.nat(), fc.nat());
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const h = openContext(demo.copy(), { settings: memorySettings({ author: 'property' }) });
        try {
          const start = stateOf(h);
          const applied: string[] = [];
          for (const [i, s] of steps.entries()) {
            const change = changeFor(readDraft(h.ctx.repos)!.schema, s as Step, i);
            if (!change) continue;
            const impact = await h.call('previewSchemaChange', { change });
            if (!impact.allowed) continue;
            applied.push((await h.call('applySchemaChange', { change, confirm: true })).entry!.id);
            expect(() => draftArtifact(h.ctx.repos)).not.toThrow();
          }
          appliedPerRun.push(applied.length);
          for (const id of applied.reverse()) await h.call('undoDraftChange', { id });
          expect(stateOf(h)).toEqual(start);
        } finally {
          h.close();
        }
      }),
      propertyOptions(40),
    );
    // The generator makes changes the planner accepts, not only refused ones.
    expect(appliedPerRun.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * appliedPerRun.length);
  }, 120_000);
});
