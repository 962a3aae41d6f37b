// Settings for property-based tests (fast-check). CI always runs the same cases: a fixed seed, so
// a failure is reproducible; FC_SEED explores other seeds locally (fast-check prints the seed and
// the path of any counterexample it finds).
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 20261130;

/** fast-check parameters: a fixed seed (or FC_SEED), `numRuns` cases. */
export function propertyOptions<T = unknown>(numRuns = 200, extra: Parameters<T> = {}): Parameters<T> {
  const fromEnv = Number(process.env.FC_SEED);
  return { seed: Number.isInteger(fromEnv) && process.env.FC_SEED ? fromEnv : DEFAULT_SEED, numRuns, ...extra };
}
