// ExtractionService over a real workspace file: the embedded provider, and the OpenAI-compatible
// provider over real HTTP against the project's scripted test server.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../shared/src/providers/types.js';
import { startScriptedServer, type ScriptedServer } from '../../shared/testkit/scripted-server.js';
import {
  openWorkspace,
  seedDemoWorkspace,
  SETTING_KEYS,
  type StoredDraft,
  type Repositories,
  type StoredMessage,
  type Workspace,
} from '../services/workspace/index.js';
import { draftArtifact, readDraft } from './draft.js';
import type { ExtractionService } from './extraction.js';
import { HOST_SETTING } from './handlers.js';
import type { SecretStore, SettingsStore } from './ports.js';
import { createBackendContext, PROVIDER_SETTING } from './service.js';
import { backendOptions, failAfter, InjectedFailure, memorySecrets, memorySettings, RESOURCES, tempFolder, workspaceSnapshot, type TempFolder } from './test-support.js';

interface Fixture {
  ws: Workspace;
  repos: Repositories;
  settings: SettingsStore;
  secrets: SecretStore;
  service: ExtractionService;
  /** The demo messages, oldest first, none extracted yet. */
  messages: StoredMessage[];
}

let folder: TempFolder;
const workspaces: Workspace[] = [];
beforeAll(() => {
  folder = tempFolder('casebook-extraction-');
});
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.close();
});
afterAll(() => folder.cleanup());

/**
 * A demo workspace (not extracted) and its service wired as createBackend wires it: the draft
 * rulebook's provider, the host's baseURL and the SecretStore's key. Retries are kept short.
 */
async function fixture(): Promise<Fixture> {
  const path = folder.path();
  const ws = openWorkspace(path);
  workspaces.push(ws);
  await seedDemoWorkspace(ws, RESOURCES);
  const settings = memorySettings({ [PROVIDER_SETTING.maxRetries]: 1, [PROVIDER_SETTING.timeoutMs]: 10_000 });
  const secrets = memorySecrets();
  const { repos, extraction: service } = createBackendContext(ws, backendOptions(path, { settings, secrets }));
  const messages = repos.messages.ids().map((id) => repos.messages.get(id)!);
  return { ws, repos, settings, secrets, service, messages };
}

function setDraftSettings(repos: Repositories, patch: Partial<StoredDraft['settings']>): void {
  const draft = readDraft(repos)!;
  repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, settings: { ...draft.settings, ...patch } });
}

describe('ExtractionService with the embedded provider', () => {
  it('stores an extraction with its trace and sets the status from its validity', async () => {
    const { repos, service, messages } = await fixture();
    const m = messages[0]!;
    expect(m.status).toBe('new');
    const result = await service.extractOne(m);
    const stored = repos.extractions.forMessage(m.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.output).toEqual(result.output);
    expect(stored[0]!.valid).toBe(result.valid);
    expect(stored[0]!.rulebookVersion).toBeNull();
    expect(stored[0]!.rulebookHash).toBe(draftArtifact(repos).hash);
    expect(stored[0]!.trace!.provider.name).toBe('embedded');
    expect(stored[0]!.trace!.rulebook.hash).toBe(draftArtifact(repos).hash);
    expect(repos.messages.get(m.id)!.status).toBe(service.statusFor(result, service.current().rulebook));
    expect(repos.messages.get(m.id)!.latestExtractionId).toBe(stored[0]!.id);
  });

  it('re-extracts with an unchanged draft through the same extractor, storing a second row', async () => {
    const { repos, service, messages } = await fixture();
    const m = messages[5]!;
    const first = await service.extractOne(m);
    const extractor = service.current();
    const second = await service.extractOne(repos.messages.get(m.id)!);
    expect(service.current()).toBe(extractor);
    expect(second.output).toEqual(first.output);
    const rows = repos.extractions.forMessage(m.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.id).toBeGreaterThan(rows[1]!.id);
    expect(repos.messages.get(m.id)!.latestExtractionId).toBe(rows[0]!.id);
  });

  it('rebuilds the extractor when the draft changes, and only then', async () => {
    const { repos, service } = await fixture();
    const before = service.current();
    expect(service.current()).toBe(before);
    repos.precedents.create({ message: { text: 'Please cancel my plan today.' }, output: { issue_type: 'cancellation' } });
    const after = service.current();
    expect(after).not.toBe(before);
    expect(after.rulebook.hash).not.toBe(before.rulebook.hash);
    expect(service.current()).toBe(after);
    setDraftSettings(repos, { k: 2 });
    expect(service.current()).not.toBe(after);
  });

  it('keeps a status a person set (corrected, accepted) when the message is extracted again', async () => {
    const { repos, service, messages } = await fixture();
    const [a, b] = [messages[10]!, messages[11]!];
    await service.extractMany([a, b]);
    repos.messages.setStatus(a.id, 'corrected');
    repos.messages.setStatus(b.id, 'accepted');
    await service.extractOne(repos.messages.get(a.id)!);
    await service.extractOne(repos.messages.get(b.id)!);
    expect(repos.messages.get(a.id)!.status).toBe('corrected');
    expect(repos.messages.get(b.id)!.status).toBe('accepted');
    expect(repos.extractions.forMessage(a.id)).toHaveLength(2);
  });

  it('keeps a correction made while the extraction was under way', async () => {
    // A run loads its messages first and extracts them over minutes; a person may correct one
    // in the meantime. The run's copy of the message still says `new`.
    const { repos, service, messages } = await fixture();
    const m = messages[12]!;
    expect(m.status).toBe('new');
    repos.messages.setStatus(m.id, 'corrected');
    await service.extractOne(m);
    expect(repos.messages.get(m.id)!.status).toBe('corrected');
  });

  it('stores the extraction and the status it earns in one unit: a failure between them leaves the workspace as it was', async () => {
    const { ws, repos, service, messages } = await fixture();
    const m = messages[13]!;
    const before = workspaceSnapshot(ws);
    const restore = failAfter(repos.extractions, 'insert');
    await expect(service.extractOne(m)).rejects.toThrow(InjectedFailure);
    restore();
    expect(workspaceSnapshot(ws)).toEqual(before);
    expect(repos.messages.get(m.id)).toMatchObject({ status: 'new', latestExtractionId: null });
  });

  it('extracts many, counting done and failed', async () => {
    const { repos, service, messages } = await fixture();
    const gone = { ...messages[20]!, id: 'm_not_in_this_workspace' };
    const result = await service.extractMany([messages[21]!, gone, messages[22]!], 2);
    expect(result).toEqual({ done: 2, failed: 1 });
    expect(repos.extractions.forMessage(messages[21]!.id)).toHaveLength(1);
    expect(repos.extractions.forMessage(messages[22]!.id)).toHaveLength(1);
  });
});

describe('ExtractionService with the OpenAI-compatible provider over HTTP', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  async function openaiFixture(): Promise<Fixture> {
    const f = await fixture();
    setDraftSettings(f.repos, { provider: 'openai', model: 'casebook-test-1' });
    f.settings.set(HOST_SETTING.baseURL, server.url);
    return f;
  }

  it('extracts over real HTTP, and a re-extraction of the same message is a cache hit', async () => {
    const { repos, service, messages } = await openaiFixture();
    const m = messages.find((x) => x.text.startsWith("It's me again"))!;
    const first = await service.extractOne(m);
    expect(server.chatRequests).toHaveLength(1);
    const body = server.chatRequests[0]!.body as { model: string; messages: { content: string }[] };
    expect(body.model).toBe('casebook-test-1');
    expect(JSON.stringify(body.messages)).toContain('Still locked out');
    expect(first.trace.provider.name).toBe('openai');
    expect(first.trace.cacheHit).toBe(false);

    const second = await service.extractOne(repos.messages.get(m.id)!);
    expect(server.chatRequests).toHaveLength(1);
    expect(second.trace.cacheHit).toBe(true);
    expect(second.output).toEqual(first.output);
    const rows = repos.extractions.forMessage(m.id);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.trace!.cacheHit)).toEqual([true, false]);
    expect(rows[0]!.trace!.provider.name).toBe('openai');
    expect(repos.messages.get(m.id)!.status).toBe(service.statusFor(second, service.current().rulebook));
  });

  it('rejects with a ProviderError when the server always answers 500, storing nothing', async () => {
    const { repos, service, messages } = await openaiFixture();
    server.script({ serverError: { times: 'always', status: 500 } });
    const m = messages[3]!;
    const error = await service.extractOne(m).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('server');
    expect(server.chatRequests.length).toBe(2); // the first attempt and one retry
    expect(repos.extractions.forMessage(m.id)).toEqual([]);
    expect(repos.messages.get(m.id)!.status).toBe('new');
    expect(repos.messages.get(m.id)!.latestExtractionId).toBeNull();
    // A run counts it as failed and goes on.
    expect(await service.extractMany([m])).toEqual({ done: 0, failed: 1 });
    expect(repos.extractions.forMessage(m.id)).toEqual([]);
  });

  it('uses a new API key as soon as it is stored', async () => {
    const { repos, secrets, service, messages } = await openaiFixture();
    server.script({ requireApiKey: 'sk-right' });
    secrets.setApiKey('sk-wrong');
    const m = messages[7]!;
    const refused = await service.extractOne(m).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).code).toBe('auth');
    expect(String((refused as Error).message)).not.toContain('sk-wrong');

    secrets.setApiKey('sk-right');
    const result = await service.extractOne(m);
    expect(result.trace.provider.name).toBe('openai');
    expect(server.chatRequests.at(-1)!.headers.authorization).toBe('Bearer sk-right');
    expect(repos.extractions.forMessage(m.id)).toHaveLength(1);
    // The key is in no stored extraction.
    expect(JSON.stringify(repos.extractions.forMessage(m.id))).not.toContain('sk-right');
  });

  it('goes back to the embedded provider when the draft says so', async () => {
    const { repos, service, messages } = await openaiFixture();
    const m = messages[9]!;
    await service.extractOne(m);
    setDraftSettings(repos, { provider: 'embedded' });
    const result = await service.extractOne(repos.messages.get(m.id)!);
    expect(result.trace.provider.name).toBe('embedded');
    expect(server.chatRequests).toHaveLength(1);
  });
});
