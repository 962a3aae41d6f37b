// Review and teach handlers: being built (issue 4).
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

type TeachHandlers = Pick<
  ApiHandlers,
  | 'acceptExtraction'
  | 'correctExtraction'
  | 'previewRule'
  | 'saveRule'
  | 'setRuleEnabled'
  | 'deleteRule'
  | 'restoreRule'
  | 'listRules'
  | 'listPrecedents'
  | 'updatePrecedent'
  | 'deletePrecedent'
  | 'restorePrecedent'
>;

const notYet = (method: string) => () => {
  throw new ApiError({ code: 'unavailable', message: `${method} is not available yet` });
};

export function createTeachHandlers(_ctx: BackendContext): TeachHandlers {
  return {
    acceptExtraction: notYet('acceptExtraction'),
    correctExtraction: notYet('correctExtraction'),
    previewRule: notYet('previewRule'),
    saveRule: notYet('saveRule'),
    setRuleEnabled: notYet('setRuleEnabled'),
    deleteRule: notYet('deleteRule'),
    restoreRule: notYet('restoreRule'),
    listRules: notYet('listRules'),
    listPrecedents: notYet('listPrecedents'),
    updatePrecedent: notYet('updatePrecedent'),
    deletePrecedent: notYet('deletePrecedent'),
    restorePrecedent: notYet('restorePrecedent'),
  };
}
