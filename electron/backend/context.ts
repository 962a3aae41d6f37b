// What every group of API handlers works with: the open workspace's repositories, the host's
// options (settings, secrets, events) and the extraction service.
import type { Repositories } from '../services/workspace/index.js';
import type { ExtractionService } from './extraction.js';
import type { BackendOptions, EmitEvent } from './ports.js';

export interface BackendContext {
  repos: Repositories;
  opts: BackendOptions;
  extraction: ExtractionService;
  emit: EmitEvent;
  /** Who is acting, for provenance (the app has one user per workspace today). */
  author(): string;
}
