// Repeat runs (consistency), replay of production traces with attribution, and the regressions
// board (issue 12): the handlers over the three services (consistency.ts, replay.ts,
// regressions.ts). Their background work stops with the workspace: closeInvestigations(ctx).
import type { ApiHandlers } from '../../../shared/src/api/index.js';
import type { BackendContext } from '../context.js';
import { ConsistencyService } from './consistency.js';
import { RegressionBoardService } from './regressions.js';
import { ReplayService } from './replay.js';

export type InvestigateHandlers = Pick<
  ApiHandlers,
  'startConsistency' | 'getConsistency' | 'cancelConsistency' | 'startReplay' | 'getReplay' | 'cancelReplay' | 'listReplays' | 'regressionBoard'
>;

export interface Investigations {
  consistency: ConsistencyService;
  replays: ReplayService;
  board: RegressionBoardService;
}

/** The services made for each context, so closing the workspace can stop them. */
const made = new WeakMap<BackendContext, Investigations>();

/** The context's services (made on first use). */
export function investigations(ctx: BackendContext): Investigations {
  let services = made.get(ctx);
  if (!services) {
    services = { consistency: new ConsistencyService(ctx), replays: new ReplayService(ctx), board: new RegressionBoardService(ctx) };
    made.set(ctx, services);
  }
  return services;
}

/** Stops repeat runs and replays at once (the workspace is closing); call before closing it. */
export function closeInvestigations(ctx: BackendContext): void {
  const services = made.get(ctx);
  services?.consistency.close();
  services?.replays.close();
}

export function createInvestigateHandlers(ctx: BackendContext): InvestigateHandlers {
  const { consistency, replays, board } = investigations(ctx);
  return {
    startConsistency: (args) => consistency.start(args),
    getConsistency: (args) => consistency.get(args),
    cancelConsistency: (args) => consistency.cancel(args.id),
    startReplay: (args) => replays.start(args),
    getReplay: (args) => replays.get(args),
    cancelReplay: (args) => replays.cancel(args.id),
    listReplays: () => replays.list(),
    regressionBoard: (args) => board.board(args.version),
  };
}
