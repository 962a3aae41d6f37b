// Sync targets (folders, git working copies, HTTP endpoints) and deployments (production services
// polled for their status). The sync work itself runs in the sync service (service.ts); an HTTP
// target's token goes to the host's secrets (`sync-token:<id>`) and never into a result.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { deploymentRecord, pollDeployments } from './deployments.js';
import { prepareFolder } from './folder.js';
import { createSyncService, tokenSecretName, type SyncService } from './service.js';

export { createSyncService, type SyncService, type SyncServiceOptions } from './service.js';

export type SyncHandlers = Pick<
  ApiHandlers,
  'listSyncTargets' | 'saveSyncTarget' | 'deleteSyncTarget' | 'syncNow' | 'listDeployments' | 'saveDeployment' | 'deleteDeployment' | 'pollDeployments'
>;

/** A URL's origin (scheme, host, port), or null when it is not a URL. */
const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

const notFound = (what: string, id: string): never => {
  throw new ApiError({ code: 'not_found', message: `no ${what} ${id}` });
};

/** The handlers over a sync service; without one they make their own (closed with nothing: its timers are unref'd). */
export function createSyncHandlers(ctx: BackendContext, service: SyncService = createSyncService(ctx)): SyncHandlers {
  const { repos } = ctx;
  const changed = (reason: 'sync' | 'deployments') => ctx.emit('publishChanged', { reason });

  return {
    listSyncTargets: () => Promise.all(repos.syncTargets.list().map((t) => service.record(t))),

    async saveSyncTarget(args) {
      const existing = args.id ? repos.syncTargets.get(args.id) : null;
      if (args.id && !existing) notFound('sync target', args.id);
      let location: string;
      if (args.kind === 'folder') {
        try {
          await prepareFolder(args.path);
        } catch (err) {
          throw new ApiError({ code: 'bad_request', message: (err as Error).message, issues: [{ path: 'path', message: (err as Error).message }] });
        }
        location = args.path;
      } else {
        location = args.url;
      }
      const saved = repos.syncTargets.save({ ...(args.id ? { id: args.id } : {}), kind: args.kind, name: args.name, location, enabled: args.enabled });
      const secret = tokenSecretName(saved.id);
      if (args.kind === 'http') {
        if (args.token !== undefined) ctx.opts.secrets.setSecret(secret, args.token === '' ? null : args.token);
        // A token belongs to the host it was given for: a URL moved to another origin without a
        // new token drops the stored one (the record then says hasToken false), so a changed URL
        // never carries the old token elsewhere.
        else if (existing?.kind === 'http' && originOf(existing.location) !== originOf(args.url)) ctx.opts.secrets.setSecret(secret, null);
      } else if (existing?.kind === 'http') {
        ctx.opts.secrets.setSecret(secret, null);
      }
      // Saving a target here is this host's approval to sync it (service.ts).
      service.approve(saved);
      changed('sync');
      if (saved.enabled) service.schedule(saved.id);
      return service.record(saved, true);
    },

    deleteSyncTarget({ id }) {
      if (!repos.syncTargets.get(id)) notFound('sync target', id);
      service.forget(id);
      repos.syncTargets.delete(id);
      ctx.opts.secrets.setSecret(tokenSecretName(id), null);
      changed('sync');
      return { id };
    },

    async syncNow({ id }) {
      if (id && !repos.syncTargets.get(id)) notFound('sync target', id);
      return service.syncNow(id);
    },

    listDeployments: () => repos.deployments.list().map((d) => deploymentRecord(repos, d)),

    saveDeployment(args) {
      if (args.id && !repos.deployments.get(args.id)) notFound('deployment', args.id);
      const saved = repos.deployments.save({ ...(args.id ? { id: args.id } : {}), name: args.name, statusUrl: args.statusUrl });
      changed('deployments');
      return deploymentRecord(repos, saved);
    },

    deleteDeployment({ id }) {
      if (!repos.deployments.delete(id)) notFound('deployment', id);
      changed('deployments');
      return { id };
    },

    async pollDeployments() {
      const records = await pollDeployments(repos);
      changed('deployments');
      return records;
    },
  };
}
