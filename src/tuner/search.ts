import { seededRandom } from '../testing/seeded-random.js';
import { expectedImprovement, fitGaussianProcess } from './gp.js';
import { DIMENSIONS, optionsKey, toOptions, toPoint, type TunedOptions } from './space.js';

/** Options of {@link searchSettings}. */
export interface SearchOptions {
  /** Evaluations of the objective, start points included. Default 100. */
  readonly budget?: number;
  /** Seed of every random draw: the same seed gives the same search. Default 1. */
  readonly seed?: number;
  /** Evaluations before the model takes over (start points, then a Latin hypercube). Default 12. */
  readonly initial?: number;
  /** Settings to evaluate first (e.g. the predictor's). Default none. */
  readonly start?: readonly TunedOptions[];
  /** Kept on every candidate (see {@link TunedOptions.callTimeout}). */
  readonly callTimeout?: number;
  /** Candidates scored by expected improvement per step. Default 600. */
  readonly candidates?: number;
  /** Called after each evaluation with the count so far and the budget. */
  readonly onProgress?: (done: number, budget: number) => void;
}

/** One evaluated setting. */
export interface Evaluation {
  readonly options: TunedOptions;
  readonly cost: number;
}

/** What the search found. */
export interface SearchResult {
  readonly best: Evaluation;
  /** Every evaluation in order. */
  readonly history: readonly Evaluation[];
}

function latinHypercube(count: number, random: () => number): number[][] {
  const dims = DIMENSIONS.length;
  const columns = DIMENSIONS.map(() => {
    const perm = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [perm[i], perm[j]] = [perm[j] ?? 0, perm[i] ?? 0];
    }
    return perm;
  });
  return Array.from({ length: count }, (_, r) =>
    Array.from({ length: dims }, (_, d) => ((columns[d]?.[r] ?? 0) + random()) / count),
  );
}

function gaussian(random: () => number): number {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Minimises `objective` over the tuner's space ({@link DIMENSIONS}) with Bayesian optimisation:
 * start points and a Latin hypercube, then at each step a Gaussian process fitted to
 * log(1 + cost) and the candidate (random points, and perturbations of the best ones) of highest
 * expected improvement. Each distinct setting is evaluated once. Deterministic for a seed; with
 * an objective that sums over generated traces of fixed seeds, every candidate meets the same
 * traces (common random numbers), so differences are the settings', not the draws'.
 */
export function searchSettings(
  objective: (options: TunedOptions) => number,
  options: SearchOptions = {},
): SearchResult {
  const budget = options.budget ?? 100;
  const random = seededRandom(options.seed ?? 1);
  const initial = Math.min(budget, options.initial ?? 12);
  const count = options.candidates ?? 600;
  const history: Evaluation[] = [];
  const points: number[][] = [];
  const seen = new Set<string>();

  const evaluate = (settings: TunedOptions): boolean => {
    const key = optionsKey(settings);
    if (seen.has(key) || history.length >= budget) return false;
    seen.add(key);
    history.push({ options: settings, cost: objective(settings) });
    points.push(toPoint(settings));
    options.onProgress?.(history.length, budget);
    return true;
  };

  for (const s of options.start ?? []) evaluate({ ...s, ...callTimeoutOf(options) });
  for (const u of latinHypercube(Math.max(0, initial - history.length), random)) {
    evaluate(toOptions(u, options.callTimeout));
  }
  let stale = 0;
  let hyper: { lengthScale: number; noise: number } | undefined;
  let step = 0;
  while (history.length < budget && stale < 20) {
    // The kernel's scales are re-chosen every few steps: they change slowly, and choosing them
    // costs 15 factorisations.
    const gp = fitGaussianProcess(
      points,
      history.map((h) => Math.log1p(h.cost)),
      step++ % 8 === 0 ? undefined : hyper,
    );
    hyper = { lengthScale: gp.lengthScale, noise: gp.noise };
    const ranked = history
      .map((h, i) => ({ cost: h.cost, point: points[i] ?? [] }))
      .sort((a, b) => a.cost - b.cost);
    const bestY = Math.log1p(ranked[0]?.cost ?? 0);
    const candidates: number[][] = [];
    for (let i = 0; i < count / 2; i++) candidates.push(DIMENSIONS.map(() => random()));
    const top = ranked.slice(0, 5);
    for (let i = 0; candidates.length < count; i++) {
      const centre = top[i % top.length]?.point ?? [];
      const scale = [0.02, 0.06, 0.15][i % 3] ?? 0.06;
      candidates.push(centre.map((c) => Math.min(1, Math.max(0, c + scale * gaussian(random)))));
    }
    const { mean, sd } = gp.predict(candidates);
    const order = candidates
      .map((u, i) => ({ u, ei: expectedImprovement(mean[i] ?? 0, sd[i] ?? 0, bestY) }))
      .sort((a, b) => b.ei - a.ei);
    let taken = false;
    for (const c of order) {
      if (evaluate(toOptions(c.u, options.callTimeout))) {
        taken = true;
        break;
      }
    }
    if (taken) stale = 0;
    else {
      stale++;
      evaluate(
        toOptions(
          DIMENSIONS.map(() => random()),
          options.callTimeout,
        ),
      );
    }
  }
  const best = history.reduce((a, b) => (b.cost < a.cost ? b : a));
  return { best, history };
}

function callTimeoutOf(options: SearchOptions): { callTimeout?: number } {
  return options.callTimeout === undefined ? {} : { callTimeout: options.callTimeout };
}
