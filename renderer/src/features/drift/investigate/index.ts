// The drift investigation's panels (issue 12), each self-contained with no props: the Drift screen's
// tabs place them. Consistency (repeat runs), Replay and attribution, Regressions.
export { ConsistencyPanel } from './ConsistencyPanel';
export { ReplayPanel } from './ReplayPanel';
export { RegressionsPanel } from './RegressionsPanel';
