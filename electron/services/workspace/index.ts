// The workspace: one SQLite file holding messages, extractions, precedents, rules, published rulebook
// versions, runs and production traces. Plain Node: never imports electron.
export * from './errors.js';
export { joinWorkspace, openWorkspace, Workspace, CASEBOOK_APPLICATION_ID, type NotAPromise, type OpenWorkspaceOptions, type UnitOfWork } from './workspace.js';
export { MIGRATIONS, type Migration } from './migrations/index.js';
export { migrationHash } from './migrate.js';
export * from './messages.js';
export * from './extractions.js';
export * from './precedents.js';
export * from './rules.js';
export * from './rulebookVersions.js';
export * from './runs.js';
export { TraceRepository, type NewTrace, type StoredTrace, type TraceListRequest, type TraceRange } from './traces.js';
export { DraftHistoryRepository, type NewDraftHistoryEntry, type StoredDraftHistoryEntry } from './draftHistory.js';
export * from './settings.js';
export { ReviewUndoRepository, type ReviewUndo } from './reviewUndo.js';
export { ReplayRepository, type ReplaySummary, type StoredReplay } from './replays.js';
export { WorkspaceResponseCache } from './responseCache.js';
export { toFtsQuery } from './fts.js';
export { schemaShape, schemaShapeHash } from './schema-shape.js';
export { seedDemoWorkspace, normaliseSchema, demoPrecedentId, DEMO_RULEBOOK_ID, type SeedDemoOptions, type SeedDemoResult } from './seed-demo.js';

import { ExtractionRepository } from './extractions.js';
import { MessageRepository } from './messages.js';
import { PrecedentRepository } from './precedents.js';
import { RulebookVersionRepository } from './rulebookVersions.js';
import { RuleRepository } from './rules.js';
import { WorkspaceResponseCache } from './responseCache.js';
import { RunRepository } from './runs.js';
import { SettingsRepository } from './settings.js';
import { TraceRepository } from './traces.js';
import { DraftHistoryRepository } from './draftHistory.js';
import { ReviewUndoRepository } from './reviewUndo.js';
import { ReplayRepository } from './replays.js';
import type { Workspace } from './workspace.js';
import { SyncTargetRepository } from './syncTargets.js';
import { DeploymentRepository } from './deployments.js';
import { PublicationRepository } from './publications.js';
import { SigningKeyRepository } from './signingKeys.js';

/** Every repository over one open workspace. */
export function repositories(ws: Workspace) {
  return {
    messages: new MessageRepository(ws),
    extractions: new ExtractionRepository(ws),
    precedents: new PrecedentRepository(ws),
    rules: new RuleRepository(ws),
    rulebookVersions: new RulebookVersionRepository(ws),
    runs: new RunRepository(ws),
    settings: new SettingsRepository(ws),
    traces: new TraceRepository(ws),
    draftHistory: new DraftHistoryRepository(ws),
    responseCache: new WorkspaceResponseCache(ws),
    reviewUndo: new ReviewUndoRepository(ws),
    syncTargets: new SyncTargetRepository(ws),
    deployments: new DeploymentRepository(ws),
    publications: new PublicationRepository(ws),
    signingKeys: new SigningKeyRepository(ws),
    replays: new ReplayRepository(ws),
    /** Moves whenever what the draft rulebook is assembled from may have changed (draftRevision.ts). */
    draftRevision: () => ws.draftRevision(),
  };
}
export type Repositories = ReturnType<typeof repositories>;
export { PublicationRepository, type NewPublication, type PublicationGate, type StoredPublication } from './publications.js';
export { SigningKeyRepository, type StoredSigningKey } from './signingKeys.js';
