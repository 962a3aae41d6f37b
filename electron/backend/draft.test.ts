// The draft rulebook artifact, assembled from a real workspace file: its hash depends on content only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../shared/src/domain.js';
import { rulebookHash, validateRulebookFormat } from '../../shared/src/rulebook/index.js';
import { openWorkspace, repositories, seedDemoWorkspace, SETTING_KEYS, type StoredDraft, type Workspace } from '../services/workspace/index.js';
import { draftArtifact, draftVersion, readDraft } from './draft.js';
import { RESOURCES, tempFolder, type TempFolder } from './test-support.js';

let folder: TempFolder;
const workspaces: Workspace[] = [];
beforeAll(() => {
  folder = tempFolder('casebook-draft-');
});
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.close();
});
afterAll(() => folder.cleanup());

function open(name?: string): Workspace {
  const ws = openWorkspace(folder.path(name));
  workspaces.push(ws);
  return ws;
}

async function demo() {
  const ws = open();
  await seedDemoWorkspace(ws, RESOURCES);
  return { ws, repos: repositories(ws) };
}

describe('draftArtifact', () => {
  it('assembles the draft from the settings and the rules and precedents tables', async () => {
    const { repos } = await demo();
    const draft = readDraft(repos)!;
    const artifact = draftArtifact(repos);
    expect(artifact.id).toBe(draft.id);
    expect(artifact.name).toBe(draft.name);
    expect(artifact.instructions).toBe(draft.instructions);
    expect(artifact.schema).toEqual(draft.schema);
    expect(artifact.settings).toEqual(draft.settings);
    expect(artifact.rules).toEqual(repos.rules.active());
    expect(artifact.precedents).toEqual(repos.precedents.active());
    expect(artifact.version).toBe(1);
    expect(artifact.parent).toBeNull();
    expect(artifact.createdAt).toBe('1970-01-01T00:00:00.000Z');
    expect(artifact.hash).toBe(rulebookHash(artifact));
    expect(validateRulebookFormat(artifact).ok).toBe(true);
  });

  it('gives the same hash for the same content, also in another workspace and another day', async () => {
    const a = await demo();
    const first = draftArtifact(a.repos);
    expect(draftArtifact(a.repos).hash).toBe(first.hash);
    const b = await demo();
    expect(draftArtifact(b.repos).hash).toBe(first.hash);
    expect(draftArtifact(b.repos)).toEqual(first);
  });

  it('changes the hash when a precedent is added, and restores it when that precedent is deleted', async () => {
    const { repos } = await demo();
    const before = draftArtifact(repos).hash;
    const p = repos.precedents.create({
      message: { text: 'Please close my account, we sold the cafe.' },
      output: { issue_type: 'cancellation', urgency: 'low' },
      rationale: 'Selling the business is a cancellation.',
    });
    const after = draftArtifact(repos);
    expect(after.hash).not.toBe(before);
    expect(after.precedents.map((x) => x.id)).toContain(p.id);
    expect(draftArtifact(repos).hash).toBe(after.hash);

    repos.precedents.delete(p.id);
    expect(draftArtifact(repos).hash).toBe(before);
    repos.precedents.restore(p.id);
    expect(draftArtifact(repos).hash).toBe(after.hash);
  });

  it('changes the hash when a rule, the instructions or a setting change', async () => {
    const { repos } = await demo();
    const hashes = new Set([draftArtifact(repos).hash]);
    const rule = { ...(repos.rules.active()[0] as Rule), id: 'r-test-extra' } as Rule;
    repos.rules.create(rule);
    hashes.add(draftArtifact(repos).hash);
    const draft = readDraft(repos)!;
    repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, instructions: `${draft.instructions}\nBe brief.` } satisfies StoredDraft);
    hashes.add(draftArtifact(repos).hash);
    repos.settings.set(SETTING_KEYS.draftRulebook, { ...readDraft(repos)!, settings: { ...draft.settings, k: 3 } } satisfies StoredDraft);
    hashes.add(draftArtifact(repos).hash);
    expect(hashes.size).toBe(4);
  });

  it('fails clearly on a workspace with no rulebook', () => {
    const ws = open();
    const repos = repositories(ws);
    expect(readDraft(repos)).toBeNull();
    expect(() => draftArtifact(repos)).toThrow(/no rulebook/);
  });

  it('is the version after the newest published one, with that version as parent', async () => {
    const { repos } = await demo();
    const id = readDraft(repos)!.id;
    expect(draftVersion(repos, id)).toBe(1);
    const v1 = draftArtifact(repos);
    repos.rulebookVersions.insert(v1);
    expect(draftVersion(repos, id)).toBe(2);
    expect(draftVersion(repos, 'another-rulebook')).toBe(1);

    // What the draft extracts with says the version it will publish as (the inbox shows it).
    const draft = draftArtifact(repos);
    expect(draft.version).toBe(2);
    expect(draft.parent).toEqual({ version: 1, hash: v1.hash });
    expect(draft.hash).toBe(rulebookHash(draft));
    expect(validateRulebookFormat(draft).ok).toBe(true);
    expect(draftArtifact(repos).hash).toBe(draft.hash);
    // Its content is still the workspace's.
    expect(draft.precedents).toEqual(repos.precedents.active());
    expect(draft.settings).toEqual(readDraft(repos)!.settings);
    // And it could be published as the next version.
    repos.rulebookVersions.insert(draft);
    expect(draftVersion(repos, id)).toBe(3);
    expect(draftArtifact(repos).parent).toEqual({ version: 2, hash: draft.hash });
  });
});
