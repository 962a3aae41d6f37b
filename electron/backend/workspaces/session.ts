// The session: the layer a host runs above the workspaces. It holds the open workspace's backend
// (or none), answers the session's own methods (which workspace is open, making one, opening one,
// the recent list), and hands every other method to the open workspace, or refuses it with
// `unavailable` when none is open.
//
// Switching never mixes two workspaces' data:
// - A call is bound to the workspace that is open when it arrives: its handler's closures hold
//   that workspace's repositories, so whatever it writes, however long it awaits, goes there.
// - The switch itself is one assignment: calls that arrive after it go to the new workspace.
// - The old workspace is closed only once its runs have stopped (as a shutdown stops them) and
//   the calls still running on it have finished; until then its file stays open for them.
// - Its events stop reaching the window at the switch (a run's last progress, an import's
//   messagesChanged), so the window, which reloads on `workspaceChanged`, only hears the new one.
// - Opening and making workspaces take turns: the next waits until the previous switch has
//   closed what it replaced.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import {
  API_METHOD_NAMES,
  ApiError,
  type ApiEventName,
  type ApiEvents,
  type ApiHandlers,
  type ApiMethod,
  type ApiParsedArgs,
  type AppInfo,
  type CreatedWorkspace,
  type ImportResult,
  type WorkspaceState,
  type WorkspaceStart,
} from '../../../shared/src/api/index.js';
import { DEFAULT_SETTINGS } from '../../../shared/src/domain.js';
import { RUNTIME_VERSION } from '../../../shared/src/version.js';
import { seedDemoWorkspace, SETTING_KEYS, WorkspaceOpenError, type StoredDraft, type Workspace } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';
import type { Backend, BackendOptions, SessionOptions } from '../ports.js';
import { joinHandlers } from '../registry.js';
import { fileSlug, newWorkspacePath, openableWorkspace, pathProblem, WORKSPACE_EXTENSION } from './files.js';
import { createWorkspaceHandlers, SESSION_METHODS, type SessionMethod, type WorkspaceHandlers } from './handlers.js';
import { importLabelledHistory, labelledSchema } from './labelled.js';
import { RecentWorkspaces } from './recent.js';
import { rulebookStart } from './rulebook-start.js';
import { loadTemplates, templateSummary, type Template } from './templates.js';

/** One open workspace as the session holds it (made by service.ts's openWorkspaceBackend). */
export interface WorkspaceBackend extends Backend {
  path: string;
  ctx: BackendContext;
  /** Stops runs as a shutdown does and resolves once none is executing. */
  stopRuns(): Promise<void>;
}

export interface OpenWorkspaceBackendOptions {
  /** Refuse to make a new file (opening an existing workspace). */
  mustExist?: boolean;
  /** Fills a new workspace before anyone can call it; a failure closes it and removes the file. */
  prepare?: (ctx: BackendContext, ws: Workspace) => Promise<void> | void;
}

export type OpenBackend = (opts: BackendOptions, session: WorkspaceHandlers, options?: OpenWorkspaceBackendOptions) => Promise<WorkspaceBackend>;

/** What the session's own handlers (handlers.ts) ask of it. */
export interface SessionApi {
  state(): WorkspaceState;
  create(args: ApiParsedArgs<'createWorkspace'>): Promise<CreatedWorkspace>;
  open(path: string): Promise<WorkspaceState>;
  forget(path: string): WorkspaceState;
}

interface Open {
  backend: WorkspaceBackend;
  /** Calls running on it now; it is closed only once there are none. */
  inflight: number;
  whenDrained: (() => void)[];
  /** Whether its events reach the window (from being made until it is replaced). */
  live: { value: boolean };
}

const NONE_OPEN = 'no workspace is open';
const isThenable = (v: unknown): v is PromiseLike<unknown> => !!v && typeof (v as { then?: unknown }).then === 'function';

/** The session's backend: the whole API over the workspace open now, if any. */
export async function openSession(opts: SessionOptions, openBackend: OpenBackend): Promise<Backend> {
  const session = new WorkspaceSession(opts, openBackend);
  await session.start();
  // A plain record, as a Backend always was (callers spread it).
  return { handlers: session.handlers, startBackgroundWork: () => session.startBackgroundWork(), close: () => session.close() };
}

export class WorkspaceSession implements Backend, SessionApi {
  readonly handlers: ApiHandlers;
  private current: Open | null = null;
  /** The last open or make: the next one waits for it (and for the close of what it replaced). */
  private turn: Promise<unknown> = Promise.resolve();
  private started = false;
  private closed = false;
  private readonly recent: RecentWorkspaces;
  private readonly own: WorkspaceHandlers;
  private templates: Template[] | null = null;

  constructor(
    private readonly opts: SessionOptions,
    private readonly openBackend: OpenBackend,
  ) {
    this.recent = new RecentWorkspaces(opts.settings);
    this.own = createWorkspaceHandlers(this);
    const delegated: Partial<Record<ApiMethod, (args: unknown) => unknown>> = {};
    for (const method of API_METHOD_NAMES) {
      if (!SESSION_METHODS.includes(method as SessionMethod)) delegated[method] = (args) => this.dispatch(method, args);
    }
    // Every method once: the session's own, and the rest handed to the open workspace.
    this.handlers = joinHandlers(this.own, delegated as Omit<ApiHandlers, SessionMethod>);
  }

  /**
   * Where new workspaces go unless a path is given: the host's folder; without one (tests), beside
   * the workspace the session started with, so nothing lands in the home folder unasked.
   */
  get folder(): string {
    if (this.opts.workspacesDir) return resolve(this.opts.workspacesDir);
    if (this.opts.workspacePath) return join(dirname(resolve(this.opts.workspacePath)), 'workspaces');
    return join(homedir(), '.casebook', 'workspaces');
  }

  /** Opens the workspace the host asked for, or the most recent one, or none (see SessionOptions). */
  async start(): Promise<void> {
    const { workspacePath } = this.opts;
    if (workspacePath) {
      // The host named it: made when missing, and a failure is the host's to report.
      const path = resolve(workspacePath);
      this.install(await this.make({ path, demo: this.opts.demo }));
      return;
    }
    const candidates: string[] = [];
    if (this.opts.openRecent) {
      const recent = this.recent.mostRecent();
      if (recent) candidates.push(recent);
    }
    if (this.opts.fallbackWorkspacePath && this.recent.isEmpty() && existsSync(this.opts.fallbackWorkspacePath)) candidates.push(resolve(this.opts.fallbackWorkspacePath));
    for (const path of candidates) {
      try {
        this.install(await this.make({ path, demo: false, mustExist: true }));
        return;
      } catch {
        // It stays on the recent list; opening it from the start screen says why it cannot be.
      }
    }
  }

  startBackgroundWork(): void {
    this.started = true;
    this.current?.backend.startBackgroundWork();
  }

  /** As a shutdown: runs stop at once, the workspace closes. */
  close(): void {
    this.closed = true;
    const open = this.current;
    this.current = null;
    if (open) {
      open.live.value = false;
      open.backend.close();
    }
  }

  // -------------------------------------------------------------------------------------------
  // The session's methods.

  state(): WorkspaceState {
    const open = this.current;
    const recent = this.recent.list();
    const current = open ? (recent.find((r) => r.path === open.backend.path) ?? { path: open.backend.path, name: '', openedAt: '', exists: true }) : null;
    if (current && open) current.name = this.nameOf(open.backend);
    return {
      current,
      recent,
      folder: this.folder,
      templates: this.templateList().map(templateSummary),
    };
  }

  create({ name, start, path }: ApiParsedArgs<'createWorkspace'>): Promise<CreatedWorkspace> {
    return this.takeTurn(async () => {
      // What the start holds is checked before any file is made: a refused rulebook opens nothing.
      const fill = this.filling(name, start);
      const file = newWorkspacePath(name, path, this.folder);
      let imported: ImportResult | null = null;
      const next = await this.make({
        path: file,
        demo: false,
        prepare: async (ctx, ws) => {
          imported = await fill(ctx, ws);
        },
      });
      await this.switchTo(next);
      return { workspace: this.state(), imported };
    });
  }

  open(path: string): Promise<WorkspaceState> {
    return this.takeTurn(async () => {
      const file = openableWorkspace(path);
      if (this.current?.backend.path === file) {
        this.recent.opened(file, this.nameOf(this.current.backend), this.now());
        return this.state();
      }
      let next: Open;
      try {
        next = await this.make({ path: file, demo: false, mustExist: true });
      } catch (err) {
        // Not a workspace, damaged, of another application, written by a newer Casebook: its words.
        if (err instanceof WorkspaceOpenError) throw pathProblem(err.message);
        throw err;
      }
      await this.switchTo(next);
      return this.state();
    });
  }

  forget(path: string): WorkspaceState {
    const file = resolve(path);
    if (this.current?.backend.path === file) throw new ApiError({ code: 'conflict', message: 'This workspace is open: open another one before taking it off the list.' });
    this.recent.forget(file);
    return this.state();
  }

  // -------------------------------------------------------------------------------------------

  /** A method of the open workspace, bound to it for as long as it runs. */
  private dispatch(method: ApiMethod, args: unknown): unknown {
    const open = this.current;
    if (!open) {
      if (this.closed) throw new ApiError({ code: 'unavailable', message: 'the backend is closing' });
      if (method === 'getAppInfo') return this.noWorkspaceInfo();
      throw new ApiError({ code: 'unavailable', message: NONE_OPEN });
    }
    const handler = open.backend.handlers[method] as (a: unknown) => unknown;
    open.inflight += 1;
    let result: unknown;
    try {
      result = handler(args);
    } catch (err) {
      this.settle(open);
      throw err;
    }
    if (isThenable(result)) return Promise.resolve(result).finally(() => this.settle(open));
    this.settle(open);
    return result;
  }

  private settle(open: Open): void {
    open.inflight -= 1;
    if (open.inflight === 0) for (const done of open.whenDrained.splice(0)) done();
  }

  private drained(open: Open): Promise<void> {
    if (open.inflight === 0) return Promise.resolve();
    return new Promise((done) => open.whenDrained.push(done));
  }

  private noWorkspaceInfo(): AppInfo {
    return { version: this.opts.appVersion, runtimeVersion: RUNTIME_VERSION, host: this.opts.host, workspacePath: null, messageCount: 0 };
  }

  private takeTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(() => {
      if (this.closed) throw new ApiError({ code: 'unavailable', message: 'the backend is closing' });
      return work();
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Opens (or makes) a workspace whose events reach the window until it is replaced. */
  private async make(o: { path: string; demo: boolean; mustExist?: boolean; prepare?: OpenWorkspaceBackendOptions['prepare'] }): Promise<Open> {
    const live = { value: true };
    let backend: WorkspaceBackend | null = null;
    const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => {
      if (!live.value) return;
      this.opts.emit(event, payload);
      // The recent list shows the draft's name as it is now.
      if (event === 'draftChanged' && backend) this.recent.renamed(backend.path, this.nameOf(backend));
    };
    const { workspacePath: _ignored, openRecent: _r, fallbackWorkspacePath: _f, workspacesDir: _w, ...host } = this.opts;
    try {
      backend = await this.openBackend({ ...host, workspacePath: o.path, demo: o.demo, emit }, this.own, {
        ...(o.mustExist ? { mustExist: true } : {}),
        ...(o.prepare ? { prepare: o.prepare } : {}),
      });
    } catch (err) {
      live.value = false;
      throw err;
    }
    return { backend, inflight: 0, whenDrained: [], live };
  }

  /** The first workspace of the session (no switch: nothing to close, no event). */
  private install(open: Open): void {
    this.current = open;
    this.recent.opened(open.backend.path, this.nameOf(open.backend), this.now());
  }

  /** Makes `next` the open workspace, then closes the old one once nothing runs on it. */
  private async switchTo(next: Open): Promise<void> {
    if (this.closed) {
      next.live.value = false;
      next.backend.close();
      throw new ApiError({ code: 'unavailable', message: 'the backend is closing' });
    }
    const old = this.current;
    // From this assignment on, every call goes to the new workspace.
    this.current = next;
    if (old) old.live.value = false;
    const name = this.nameOf(next.backend);
    this.recent.opened(next.backend.path, name, this.now());
    this.opts.emit('workspaceChanged', { path: next.backend.path, name });
    if (this.started) next.backend.startBackgroundWork();
    if (old) await this.retire(old);
  }

  /** Closes a workspace that was replaced, once its runs have stopped and its last call has finished. */
  private async retire(old: Open): Promise<void> {
    try {
      await old.backend.stopRuns();
      await this.drained(old);
    } finally {
      try {
        old.backend.close();
      } catch {
        // The switch is done and the new workspace open; a failed `PRAGMA optimize` on the way out
        // leaves the old file as it was (Workspace.close closes the connection regardless).
      }
    }
  }

  private nameOf(backend: WorkspaceBackend): string {
    return readDraft(backend.ctx.repos)?.name ?? basename(backend.path, WORKSPACE_EXTENSION);
  }

  private now(): string {
    return new Date().toISOString();
  }

  private templateList(): Template[] {
    this.templates ??= loadTemplates(this.opts.resourcesDir);
    return this.templates;
  }

  private template(id: string): Template {
    const t = this.templateList().find((x) => x.id === id);
    if (!t) throw new ApiError({ code: 'bad_request', message: `no template "${id}"`, issues: [{ path: 'start.template', message: 'no such template' }] });
    return t;
  }

  /**
   * How a new workspace is filled, per start. Checks what can be checked before a file exists (a
   * rulebook file's verification, a labelled history's fields) and throws there.
   */
  private filling(name: string, start: WorkspaceStart): (ctx: BackendContext, ws: Workspace) => Promise<ImportResult | null> {
    const writeDraft = (ctx: BackendContext, draft: StoredDraft) => ctx.transaction(() => ctx.repos.settings.set(SETTING_KEYS.draftRulebook, draft));
    const newId = () => `${fileSlug(name)}-${randomBytes(3).toString('hex')}`;
    switch (start.kind) {
      case 'demo':
        return async (ctx, ws) => {
          await seedDemo(ctx, ws, this.opts.resourcesDir, name);
          return null;
        };
      case 'template': {
        const t = this.template(start.template);
        return (ctx) => {
          writeDraft(ctx, { id: newId(), name, instructions: t.instructions, schema: t.schema, settings: { ...DEFAULT_SETTINGS } });
          return Promise.resolve(null);
        };
      }
      case 'labelled': {
        const schema = labelledSchema(start);
        const instructions = this.template('empty').instructions;
        return async (ctx) => {
          writeDraft(ctx, { id: newId(), name, instructions, schema, settings: { ...DEFAULT_SETTINGS } });
          return importLabelledHistory(ctx, start);
        };
      }
      case 'rulebook': {
        const fill = rulebookStart(start.file);
        return (ctx) => {
          fill(ctx);
          return Promise.resolve(null);
        };
      }
    }
  }
}

/**
 * The demo, named as the person named the workspace: seeded, the draft renamed, then extracted by
 * the embedded provider (after the rename, so the extractions carry the draft as it stays).
 */
async function seedDemo(ctx: BackendContext, ws: Workspace, resourcesDir: string, name: string): Promise<void> {
  await seedDemoWorkspace(ws, resourcesDir, {
    extractAll: async (messages) => {
      const draft = readDraft(ctx.repos);
      if (draft) ctx.transaction(() => ctx.repos.settings.set(SETTING_KEYS.draftRulebook, { ...draft, name }));
      await ctx.extraction.extractMany(messages.filter((m) => m.latestExtractionId === null));
    },
  });
}
