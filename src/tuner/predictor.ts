import { readFileSync } from 'node:fs';
import { Matrix, solve } from 'ml-matrix';
import { describeService, features } from './descriptors.js';
import { DIMENSIONS, toOptions, type TunedOptions } from './space.js';
import type { ServiceTrace } from './trace.js';

/**
 * The predictor as stored in `model/predictor.json`: ridge regression from standardised
 * {@link features} to the search space's coordinates (one row of weights per dimension, the
 * last weight the intercept), plus the training envelope.
 */
export interface PredictorModel {
  readonly version: 1;
  readonly features: readonly string[];
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly (readonly number[])[];
  /** Ridge penalty the weights were fitted with. */
  readonly lambda: number;
  /** How it was made and how well it does (regret vs the search on held-out services). */
  readonly provenance: Readonly<Record<string, unknown>>;
}

/** Feature names, in the order of {@link features}. */
export const FEATURE_NAMES = [
  'log rate',
  'log p50',
  'log p99',
  'log baseline error',
  'log1p outage s',
  'log1p outages/h',
] as const;

/** Fits the model to (features, coordinates) pairs with ml-matrix's solver. */
export function fitPredictor(
  inputs: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
  lambda: number,
  provenance: Record<string, unknown> = {},
): PredictorModel {
  const dims = inputs[0]?.length ?? 0;
  const mean = Array.from(
    { length: dims },
    (_, j) => inputs.reduce((a, x) => a + (x[j] ?? 0), 0) / inputs.length,
  );
  const scale = mean.map(
    (m, j) =>
      Math.sqrt(inputs.reduce((a, x) => a + ((x[j] ?? 0) - m) ** 2, 0) / inputs.length) || 1,
  );
  const x = new Matrix(
    inputs.map((row) => [...row.map((v, j) => (v - (mean[j] ?? 0)) / (scale[j] ?? 1)), 1]),
  );
  const y = new Matrix(targets.map((t) => [...t]));
  const penalty = Matrix.eye(dims + 1).mul(lambda);
  penalty.set(dims, dims, 0); // the intercept is not shrunk
  const w = solve(x.transpose().mmul(x).add(penalty), x.transpose().mmul(y));
  return {
    version: 1,
    features: [...FEATURE_NAMES],
    mean,
    scale,
    weights: DIMENSIONS.map((_, d) => w.getColumn(d)),
    lambda,
    provenance,
  };
}

/** The coordinates the model predicts for a feature vector, clamped to the unit cube. */
export function predictPoint(model: PredictorModel, input: readonly number[]): number[] {
  const z = input.map((v, j) => (v - (model.mean[j] ?? 0)) / (model.scale[j] ?? 1));
  return model.weights.map((w) => {
    let s = w[w.length - 1] ?? 0;
    z.forEach((v, j) => (s += v * (w[j] ?? 0)));
    return Math.min(1, Math.max(0, s));
  });
}

let shipped: PredictorModel | undefined;

// Beside this module in the repository; from dist/tuner/ (tsc copies no JSON), the package's
// copy under src/ (listed in package.json "files").
const MODEL_FILES = ['./model/predictor.json', '../../src/tuner/model/predictor.json'];

/** The model shipped with breakwater (`src/tuner/model/predictor.json`). */
export function shippedPredictor(): PredictorModel {
  if (shipped) return shipped;
  let lastError: unknown;
  for (const file of MODEL_FILES) {
    try {
      shipped = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as PredictorModel;
      return shipped;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error('the predictor model file is missing', { cause: lastError });
}

/** Settings for a service from its trace's descriptors, without a search. */
export function predictSettings(
  trace: ServiceTrace,
  model: PredictorModel = shippedPredictor(),
  callTimeout?: number,
): TunedOptions {
  return toOptions(predictPoint(model, features(describeService(trace))), callTimeout);
}
