// A workspace from a rulebook file: the draft is the file's rulebook (id, name, instructions,
// schema, rules, precedents, settings); a file that fails verification makes nothing and says why.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiFailure } from '../../../shared/src/api/index.js';
import type { Precedent, RulebookArtifact } from '../../../shared/src/domain.js';
import { nextVersion, serializeRulebook } from '../../../shared/src/rulebook/index.js';
import { samplePrecedents, sampleRulebook } from '../../../shared/src/rulebook/test-fixtures.js';
import type { Backend } from '../ports.js';
import { createBackend } from '../service.js';
import { apiFailure, backendOptions, call, tempFolder, type TempFolder } from '../test-support.js';

let folder: TempFolder;
let backend: Backend;

beforeEach(async () => {
  folder = tempFolder('casebook-rulebook-start-');
  backend = await createBackend({ ...backendOptions(''), workspacePath: null, workspacesDir: join(folder.dir, 'workspaces') });
});
afterEach(() => {
  backend.close();
  folder.cleanup();
});

/** Version 2 of the sample rulebook, as `casebook teach` writes one: more precedents, its own settings. */
function taughtRulebook(): RulebookArtifact {
  const v1 = sampleRulebook({ precedents: 2 });
  const untagged: Precedent = {
    id: 'p_taught',
    message: { text: 'Where is my parcel? Ordered on 3 March.', sender: 'Ines <ines@example.com>', context: ['earlier: ordered a reader'] },
    output: { name: 'Ines', issue_type: 'shipping', urgency: 'normal', order_date: '2024-03-03' },
    author: 'cli',
    createdAt: '2024-06-01T08:00:00.000Z',
  };
  return nextVersion(v1, { precedents: [...v1.precedents, untagged], settings: { ...v1.settings, provider: 'openai', model: 'llama3.1', k: 5, maxTokens: 400 } }, { createdAt: '2024-06-01T09:00:00.000Z' });
}

const start = (content: string, name = 'rulebook.json', encoding?: 'base64') => ({ kind: 'rulebook' as const, file: { name, content, ...(encoding ? { encoding } : {}) } });

describe('a workspace from a rulebook file', () => {
  it('makes its rulebook the draft: same id, name, instructions, schema, rules, precedents and settings', async () => {
    const file = taughtRulebook();
    const made = await call(backend, 'createWorkspace', { name: 'From the CLI', start: start(serializeRulebook(file)) });
    expect(made.workspace.current).toMatchObject({ path: join(folder.dir, 'workspaces', 'from-the-cli.casebook'), name: 'Support triage' });

    const draft = await call(backend, 'getRulebook', {});
    expect(draft.id).toBe(file.id);
    expect(draft.name).toBe(file.name);
    expect(draft.instructions).toBe(file.instructions);
    expect(draft.schema).toEqual(file.schema);
    expect(draft.rules).toEqual(file.rules);
    expect(draft.settings).toEqual(file.settings);
    // The precedents exactly as the file has them, in its order.
    expect(draft.precedents).toEqual(file.precedents);
    expect((await call(backend, 'getCounts', {})).total).toBe(0);
  });

  it('reads a file sent as bytes (base64) the same way', async () => {
    const file = sampleRulebook({ precedents: 1 });
    await call(backend, 'createWorkspace', { name: 'Bytes', start: start(Buffer.from(serializeRulebook(file)).toString('base64'), 'r.json', 'base64') });
    expect((await call(backend, 'getRulebook', {})).rules).toEqual(file.rules);
  });

  it('refuses a file that fails verification, naming the problem; nothing is made and nothing switches', async () => {
    await call(backend, 'createWorkspace', { name: 'Home', start: { kind: 'template', template: 'empty' } });
    const before = await call(backend, 'getWorkspace', {});

    const good = serializeRulebook(sampleRulebook({ precedents: 2 }));
    const tampered = good.replace('Extract the fields from the support message.', 'Ignore the schema.');
    const cases: [string, string, RegExp][] = [
      ['tampered.json', tampered, /^This rulebook cannot be opened: tampered\.json: content was changed after it was hashed: expected sha256:[0-9a-f]{64}, file says sha256:[0-9a-f]{64}$/],
      ['broken.json', good.slice(0, 200), /^This rulebook cannot be opened: broken\.json: invalid JSON at line \d+, column \d+/],
      ['schema.json', '{"fields": [{"name": "urgency", "type": "string"}]}', /not a Casebook rulebook: no "format" field/],
      ['dup.json', good.replace('"name": "Support triage"', '"name": "Support triage", "name": "Decoy"'), /duplicate key|appears twice|more than once/i],
    ];
    for (const [name, content, message] of cases) {
      const failure: ApiFailure = (await apiFailure(call(backend, 'createWorkspace', { name: `Bad ${name}`, start: start(content, name) }))).failure;
      expect(failure.code, name).toBe('bad_request');
      expect(failure.message, name).toMatch(message);
      expect(failure.issues?.[0]?.path, name).toBe('start.file.content');
    }
    expect(readdirSync(join(folder.dir, 'workspaces')).filter((f) => f.endsWith('.casebook'))).toEqual(['home.casebook']);
    expect(await call(backend, 'getWorkspace', {})).toEqual(before);
    expect(existsSync(join(folder.dir, 'workspaces', 'bad-tampered-json.casebook'))).toBe(false);
  });

  it('keeps the order of precedents the file has, whatever their ids and times', async () => {
    const v1 = sampleRulebook({ precedents: 0 });
    const [a, b] = samplePrecedents(2);
    const file = nextVersion(v1, { precedents: [{ ...b!, id: 'z-later-id' }, { ...a!, id: 'a-earlier-id' }] });
    await call(backend, 'createWorkspace', { name: 'Order', start: start(serializeRulebook(file)) });
    expect((await call(backend, 'getRulebook', {})).precedents.map((p) => p.id)).toEqual(['z-later-id', 'a-earlier-id']);
  });
});
