import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** A fitted Gaussian process over points of the unit cube (Matérn 5/2 kernel, constant mean). */
export interface GaussianProcess {
  /** Posterior mean and standard deviation at each point, in the units of the fitted y. */
  predict(points: readonly (readonly number[])[]): { mean: Float64Array; sd: Float64Array };
  readonly lengthScale: number;
  readonly noise: number;
}

const LENGTH_SCALES = [0.1, 0.2, 0.35, 0.6, 1.2];
const NOISES = [1e-6, 1e-3, 0.02];

function matern52(d2: number, l: number): number {
  const r = Math.sqrt(5 * d2) / l;
  return (1 + r + (r * r) / 3) * Math.exp(-r);
}

function sqDist(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    s += d * d;
  }
  return s;
}

function kernelMatrix(
  rows: readonly (readonly number[])[],
  cols: readonly (readonly number[])[],
  l: number,
): Matrix {
  return Matrix.from1DArray(
    rows.length,
    cols.length,
    rows.flatMap((a) => cols.map((b) => matern52(sqDist(a, b), l))),
  );
}

/**
 * Fits a GP to `(points, y)`: y is standardised, and the length scale and noise are chosen from
 * a small grid by the log marginal likelihood (unless `hyper` fixes them). The linear algebra (Cholesky factor, solves) is
 * ml-matrix's.
 */
export function fitGaussianProcess(
  points: readonly (readonly number[])[],
  y: readonly number[],
  hyper?: { readonly lengthScale: number; readonly noise: number },
): GaussianProcess {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const spread = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  const z = Matrix.columnVector(y.map((v) => (v - mean) / spread));
  let best:
    | { l: number; noise: number; chol: CholeskyDecomposition; alpha: Matrix; score: number }
    | undefined;
  for (const l of hyper ? [hyper.lengthScale] : LENGTH_SCALES) {
    const base = kernelMatrix(points, points, l);
    for (const noise of hyper ? [hyper.noise] : NOISES) {
      const k = base.clone();
      for (let i = 0; i < n; i++) k.set(i, i, k.get(i, i) + noise);
      const chol = new CholeskyDecomposition(k);
      if (!chol.isPositiveDefinite()) continue;
      const alpha = chol.solve(z);
      const lower = chol.lowerTriangularMatrix;
      let logDet = 0;
      for (let i = 0; i < n; i++) logDet += 2 * Math.log(lower.get(i, i));
      const fit = z.transpose().mmul(alpha).get(0, 0);
      const score = -0.5 * fit - 0.5 * logDet;
      if (!best || score > best.score) best = { l, noise, chol, alpha, score };
    }
  }
  if (!best) throw new Error('no kernel fits these points');
  const { l, noise, chol, alpha } = best;
  // K⁻¹ once (n solves), so that each prediction is a product rather than m more solves.
  const inverse = chol.solve(Matrix.eye(n));
  return {
    lengthScale: l,
    noise,
    predict(candidates) {
      const ks = kernelMatrix(candidates, points, l);
      const mu = ks.mmul(alpha).getColumn(0);
      const explained = ks.mmul(inverse).mul(ks).sum('row');
      const m = candidates.length;
      const outMean = new Float64Array(m);
      const outSd = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        outMean[j] = mean + spread * (mu[j] ?? 0);
        outSd[j] = spread * Math.sqrt(Math.max(1e-12, 1 + noise - (explained[j] ?? 0)));
      }
      return { mean: outMean, sd: outSd };
    },
  };
}

// Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, plenty for ranking candidates.
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly =
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return s * (1 - poly * Math.exp(-a * a));
}

/** Expected improvement below `best` (minimisation) of a normal(mean, sd) outcome. */
export function expectedImprovement(mean: number, sd: number, best: number, xi = 0): number {
  const gain = best - mean - xi;
  if (sd <= 0) return Math.max(0, gain);
  const z = gain / sd;
  const cdf = 0.5 * (1 + erf(z / Math.SQRT2));
  const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  return gain * cdf + sd * pdf;
}
