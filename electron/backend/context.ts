// What every group of API handlers works with: the open workspace's repositories and its unit of
// work, the host's options (settings, secrets, events) and the extraction service.
import { repositories, type Repositories, type UnitOfWork, type Workspace } from '../services/workspace/index.js';
import type { ExtractionService } from './extraction.js';
import type { BackendOptions, EmitEvent } from './ports.js';

export interface BackendContext {
  repos: Repositories;
  /**
   * Runs a use case's writes as one transaction, so a failure midway leaves the workspace as it was.
   * A handler reads, checks and writes inside it and announces the change (events) after it.
   * Synchronous (better-sqlite3): nothing is awaited inside; a nested call joins the outer one.
   */
  transaction: UnitOfWork;
  opts: BackendOptions;
  extraction: ExtractionService;
  emit: EmitEvent;
  /** Who is acting, for provenance (the app has one user per workspace today). */
  author(): string;
}

/** The workspace as a service uses it: its repositories and its unit of work. */
export type WorkspaceAccess = Pick<BackendContext, 'repos' | 'transaction'>;

export function workspaceAccess(ws: Workspace): WorkspaceAccess {
  return { repos: repositories(ws), transaction: (work) => ws.write(work) };
}
