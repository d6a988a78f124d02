import type { Evaluation } from './search.js';
import { WINDOW_BUCKETS, type TunedOptions } from './space.js';

/** The exhaustive grid the search is measured against (7 x 5 x 5 x 5 x 3 = 2625 settings). */
export const GRID = {
  failureRateThreshold: [10, 25, 40, 55, 70, 85, 100],
  windowSize: [1000, 3000, 10_000, 30_000, 100_000],
  minimumCalls: [1, 3, 10, 30, 100],
  timeout: [500, 2000, 8000, 30_000, 120_000],
  maxRequests: [1, 3, 10],
} as const;

/** Every setting of {@link GRID}. */
export function gridSettings(callTimeout?: number): TunedOptions[] {
  const out: TunedOptions[] = [];
  for (const failureRateThreshold of GRID.failureRateThreshold)
    for (const size of GRID.windowSize)
      for (const minimumCalls of GRID.minimumCalls)
        for (const timeout of GRID.timeout)
          for (const maxRequests of GRID.maxRequests)
            out.push({
              window: { kind: 'time', size, buckets: WINDOW_BUCKETS },
              failureRateThreshold,
              minimumCalls,
              timeout,
              maxRequests,
              ...(callTimeout === undefined ? {} : { callTimeout }),
            });
  return out;
}

/** The best setting of the grid (the first of equal cost). */
export function gridOptimum(objective: (options: TunedOptions) => number): Evaluation {
  let best: Evaluation | undefined;
  for (const options of gridSettings()) {
    const cost = objective(options);
    if (!best || cost < best.cost) best = { options, cost };
  }
  if (!best) throw new Error('empty grid');
  return best;
}
