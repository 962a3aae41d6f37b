// Publishing (issue 11): the regression gate, versions and their changelogs, diffs, labels and the
// workspace's signing keys. The work is in gate.ts, versions.ts, labels.ts and keys.ts.
import type { ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { GateService } from './gate.js';
import { exportPublicKey, listSigningKeys, retireSigningKey, rotateSigningKey } from './keys.js';
import { listLabels, removeLabel, setLabel } from './labels.js';
import { diffVersions, exportVersion, getVersion, listVersions, publishDraft } from './versions.js';

export type PublishHandlers = Pick<
  ApiHandlers,
  | 'startGate' | 'cancelGate' | 'getGate' | 'publishDraft' | 'listVersions' | 'getVersion' | 'diffVersions' | 'exportVersion'
  | 'listLabels' | 'setLabel' | 'removeLabel' | 'listSigningKeys' | 'rotateSigningKey' | 'retireSigningKey' | 'exportPublicKey'
>;

/** What publishing tells the rest of the backend (the sync service syncs on both). */
export interface PublishHooks {
  /**
   * After a version is published, and after every label move (not after a no-op). `detail` says
   * what happened in a line ("publish tidewell-support v3", "production → v2: <reason>"): the sync's
   * commit message.
   */
  afterChange?(reason: 'published' | 'label', detail: string): void;
}

export function createPublishHandlers(ctx: BackendContext, hooks: PublishHooks = {}, gates: GateService = new GateService(ctx)): PublishHandlers {
  const changed = (reason: 'published' | 'label', detail: string) => {
    try {
      hooks.afterChange?.(reason, detail);
    } catch {
      // A hook's failure (a sync) never undoes or fails the change itself: the hook reports its own.
    }
  };
  return {
    startGate: () => gates.start(),
    cancelGate: ({ gateId }) => gates.cancel(gateId),
    getGate: ({ gateId }) => gates.get(gateId),
    publishDraft: ({ gateId, note, overrideReason }) => {
      const detail = publishDraft(ctx, { gate: gates.find(gateId), gateId, note, overrideReason });
      changed('published', `publish ${detail.rulebookId} v${detail.version}${note ? `: ${note}` : ''}`);
      return detail;
    },
    listVersions: () => listVersions(ctx),
    getVersion: ({ version }) => getVersion(ctx, version),
    diffVersions: ({ from, to }) => diffVersions(ctx, from, to),
    exportVersion: ({ version }) => exportVersion(ctx, version),
    listLabels: () => listLabels(ctx),
    setLabel: ({ label, version, reason }) => {
      const before = listLabels(ctx).labels.find((l) => l.label === label)?.version ?? 0;
      if (setLabel(ctx, label, version, reason)) {
        ctx.emit('publishChanged', { reason: 'label' });
        const move = before > version ? 'rollback' : before === 0 ? 'set' : 'promote';
        changed('label', `${label} → v${version} (${move}${reason ? `: ${reason}` : ''})`);
      }
      return listLabels(ctx);
    },
    removeLabel: ({ label, reason }) => {
      if (removeLabel(ctx, label, reason)) {
        ctx.emit('publishChanged', { reason: 'label' });
        changed('label', `${label} removed${reason ? `: ${reason}` : ''}`);
      }
      return listLabels(ctx);
    },
    listSigningKeys: () => listSigningKeys(ctx),
    rotateSigningKey: () => rotateSigningKey(ctx),
    retireSigningKey: ({ keyId }) => retireSigningKey(ctx, keyId),
    exportPublicKey: ({ keyId }) => exportPublicKey(ctx, keyId),
  };
}
