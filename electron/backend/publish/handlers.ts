// Publishing (issue 11): the regression gate, versions and their changelogs, diffs, labels and the
// workspace's signing keys. Being built: every method answers `unavailable` until it is.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type PublishHandlers = Pick<
  ApiHandlers,
  | 'startGate' | 'cancelGate' | 'getGate' | 'publishDraft' | 'listVersions' | 'getVersion' | 'diffVersions' | 'exportVersion'
  | 'listLabels' | 'setLabel' | 'removeLabel' | 'listSigningKeys' | 'rotateSigningKey' | 'retireSigningKey' | 'exportPublicKey'
>;

const notYet = (): never => {
  throw new ApiError({ code: 'unavailable', message: 'publishing is not built yet' });
};

export function createPublishHandlers(_ctx: BackendContext): PublishHandlers {
  return {
    startGate: notYet, cancelGate: notYet, getGate: notYet, publishDraft: notYet, listVersions: notYet, getVersion: notYet,
    diffVersions: notYet, exportVersion: notYet, listLabels: notYet, setLabel: notYet, removeLabel: notYet,
    listSigningKeys: notYet, rotateSigningKey: notYet, retireSigningKey: notYet, exportPublicKey: notYet,
  };
}
