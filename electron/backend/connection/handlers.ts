// Settings › Test connection: one tiny structured-output request to a model endpoint.
import { ApiError, type ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';

export type ConnectionHandlers = Pick<ApiHandlers, 'testConnection'>;

// Being built (issue 10): replaced by the real test before this lands.
export function createConnectionHandlers(_ctx: BackendContext): ConnectionHandlers {
  return {
    testConnection: () => {
      throw new ApiError({ code: 'unavailable', message: 'testConnection is not built yet' });
    },
  };
}
