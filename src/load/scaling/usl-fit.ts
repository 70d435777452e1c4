/**
 * Universal Scalability Law (Gunther): X(N) = λN / (1 + σ(N−1) + κN(N−1)).
 *
 * `fitUsl` estimates σ, κ and λ together by non-linear least squares on X (ml-levenberg-marquardt), which is what
 * the current R `usl` package does (methods "nls"/"nlxb": λ is its `gamma`) and what Baron Schwartz's "Practical
 * Scalability Analysis with the USL" does. `fitUslNormalised` is Gunther's older method (Guerrilla Capacity Planning
 * §5.2.3, the default of early R `usl` releases): divide by the measured X(1) and fit a quadratic to the
 * transformed data. The two give different coefficients on the same data, so published figures
 * must be compared with the method that produced them.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import type { UslFit } from '../../core/result-scale.js';
import { percentileR7 as percentile } from '../percentiles.js';
import { mulberry32 } from '../../core/seeded-random.js';

export interface UslPoint {
  n: number;
  throughput: number;
}

export interface UslCoefficients {
  sigma: number;
  kappa: number;
  lambda: number;
}

export interface UslFitOptions {
  /** Bootstrap resamples for the σ and κ intervals (0 disables). Default 200. */
  bootstrap?: number;
  /** Seed of the bootstrap's RNG; the same data and seed give the same intervals. Default 1. */
  seed?: number;
  /** Confidence level of the bootstrap intervals. Default 0.95. */
  level?: number;
  /** N at which to predict throughput and efficiency. Default: the measured N, 2× and 4× the largest. */
  predictAt?: number[];
}

export function uslThroughput(c: UslCoefficients, n: number): number {
  return (c.lambda * n) / (1 + c.sigma * (n - 1) + c.kappa * n * (n - 1));
}

/** N at which X(N) peaks, √((1−σ)/κ); null when κ = 0 or σ ≥ 1 (no peak). */
export function peakConcurrency(c: UslCoefficients): number | null {
  if (!(c.kappa > 0) || c.sigma >= 1) return null;
  return Math.sqrt((1 - c.sigma) / c.kappa);
}

function distinctN(points: UslPoint[]): number {
  return new Set(points.map((p) => p.n)).size;
}

function validate(points: UslPoint[]): string | null {
  for (const p of points) {
    if (!Number.isFinite(p.n) || p.n <= 0) return `N must be a positive number, got ${p.n}`;
    if (!Number.isFinite(p.throughput) || p.throughput < 0)
      return `throughput must be a non-negative number, got ${p.throughput} at N=${p.n}`;
  }
  if (points.every((p) => p.throughput === 0)) return 'every X is 0: there is no throughput to fit';
  const k = distinctN(points);
  if (k < 3) return `a USL fit has 3 parameters (σ, κ, λ) and needs at least 3 distinct N; got ${k}`;
  return null;
}

function sse(points: UslPoint[], c: UslCoefficients): number {
  let s = 0;
  for (const p of points) {
    const r = p.throughput - uslThroughput(c, p.n);
    s += r * r;
  }
  return s;
}

/** Which of σ, κ are held at 0 in a fit (the active set of their lower bounds). */
interface HeldAtZero {
  sigma: boolean;
  kappa: boolean;
}

/**
 * One Levenberg-Marquardt run from `initial` ([λ/lambdaScale, σ, κ/kappaScale]) with σ and/or κ held at 0.
 * Holding a parameter at its bound, rather than letting the solver clamp it every step, matters: a clamped step
 * still moves the other parameters as if the clamped one had moved, and the solver then stalls short of the optimum.
 */
function levenbergMarquardtRun(
  x: number[],
  y: number[],
  kappaScale: number,
  initial: number[],
  held: HeldAtZero,
  iterations: number,
): number[] {
  const free = [0, ...(held.sigma ? [] : [1]), ...(held.kappa ? [] : [2])];
  const expand = (q: number[]): number[] => {
    const full = [0, 0, 0];
    free.forEach((idx, i) => {
      full[idx] = q[i];
    });
    return full;
  };
  const model = (q: number[]) => {
    const [l, s, k] = expand(q);
    return (n: number) => (l * n) / (1 + s * (n - 1) + k * kappaScale * n * (n - 1));
  };
  const jacobian = (q: number[]) => {
    const [l, s, k] = expand(q);
    return (n: number) => {
      const d = 1 + s * (n - 1) + k * kappaScale * n * (n - 1);
      const f = (l * n) / (d * d);
      const all = [n / d, -f * (n - 1), -f * kappaScale * n * (n - 1)];
      return free.map((idx) => all[idx]);
    };
  };
  const bounds: Array<[number, number]> = [
    [1e-9, 1e6],
    [0, 1],
    [0, 1e9],
  ];
  const out = levenbergMarquardt({ x, y }, model, {
    initialValues: free.map((idx) => initial[idx]),
    minValues: free.map((idx) => bounds[idx][0]),
    maxValues: free.map((idx) => bounds[idx][1]),
    jacobianFunction: jacobian,
    damping: 1e-2,
    maxIterations: iterations,
    errorTolerance: 1e-14,
  });
  return expand(out.parameterValues);
}

/**
 * Least-squares estimate of σ, κ, λ with σ ∈ [0, 1], κ ≥ 0, λ > 0; null when no start gave finite values.
 * Parameters are rescaled to order 1 for the solver: λ by the largest observed X/N, κ by the square of the largest N
 * (κN² is what enters the model). Several starts (or one warm start, for bootstrap refits), each also with σ and/or
 * κ held at 0; the lowest SSE wins.
 */
export function leastSquaresUsl(
  points: UslPoint[],
  warmStart?: UslCoefficients,
  warmOnly = false,
): UslCoefficients | null {
  if (!warmStart && points.length > REDUCED_POINTS) {
    // Many points: search from many starts on a reduced curve, then refine on all points from its best estimate.
    const rough = leastSquaresUsl(reduceCurve(points, REDUCED_POINTS));
    if (rough) return leastSquaresUsl(points, rough);
  }
  let nTop = 0;
  let lambdaScale = 0;
  for (const p of points) {
    nTop = Math.max(nTop, p.n);
    lambdaScale = Math.max(lambdaScale, p.throughput / p.n);
  }
  lambdaScale ||= 1;
  const kappaScale = 1 / (nTop * nTop);
  const x = points.map((p) => p.n);
  const y = points.map((p) => p.throughput / lambdaScale);
  const xOne = points.find((p) => p.n === 1);
  const l0s = [1, ...(xOne && xOne.throughput > 0 ? [xOne.throughput / lambdaScale] : [])];

  let best: UslCoefficients | null = null;
  let bestSse = Infinity;
  const tryFrom = (initial: number[], held: HeldAtZero): void => {
    const [l, s, k] = levenbergMarquardtRun(x, y, kappaScale, initial, held, warmStart ? 60 : 300);
    const c = { lambda: l * lambdaScale, sigma: s, kappa: k * kappaScale };
    if (![c.lambda, c.sigma, c.kappa].every(Number.isFinite)) return;
    const e = sse(points, c);
    if (e < bestSse) {
      bestSse = e;
      best = c;
    }
  };
  const heldSets: HeldAtZero[] = [
    { sigma: false, kappa: false },
    { sigma: false, kappa: true },
    { sigma: true, kappa: false },
    { sigma: true, kappa: true },
  ];
  const warmHeld = warmStart ? { sigma: warmStart.sigma === 0, kappa: warmStart.kappa === 0 } : null;
  for (const held of warmOnly && warmHeld ? [warmHeld] : heldSets) {
    if (warmStart) tryFrom([warmStart.lambda / lambdaScale, warmStart.sigma, warmStart.kappa / kappaScale], held);
    else
      for (const l0 of l0s) for (const s0 of [0.01, 0.1, 0.5]) for (const k0 of [0.01, 1]) tryFrom([l0, s0, k0], held);
  }
  // Restart from the best estimate: the solver stops on a small relative improvement, a restart resets its damping.
  for (let i = 0; i < 2 && best; i++) {
    const b: UslCoefficients = best;
    tryFrom([b.lambda / lambdaScale, b.sigma, b.kappa / kappaScale], { sigma: b.sigma === 0, kappa: b.kappa === 0 });
  }
  return best;
}

/** Above this many distinct N, the multi-start search runs on a reduced curve first (keeps the fit linear in N). */
const REDUCED_POINTS = 64;
/** The bootstrap refits each resample on every point: resamples × points is capped by this, so time stays bounded. */
const BOOTSTRAP_WORK = 20_000;
/** Above this many points the bootstrap is skipped: the standard errors describe the precision instead. */
export const BOOTSTRAP_MAX_POINTS = 2_000;
/** Above this many distinct N the fit runs on this many groups of consecutive N (mean N, median X). */
export const MAX_FIT_POINTS = 5_000;

/** `count` consecutive groups of points (sorted by N): mean N and median X of each. */
function reduceCurve(points: UslPoint[], count: number): UslPoint[] {
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const out: UslPoint[] = [];
  for (let g = 0; g < count; g++) {
    const group = sorted.slice(Math.floor((g * sorted.length) / count), Math.floor(((g + 1) * sorted.length) / count));
    if (group.length === 0) continue;
    const xs = group.map((p) => p.throughput).sort((a, b) => a - b);
    out.push({ n: group.reduce((a, p) => a + p.n, 0) / group.length, throughput: percentile(xs, 0.5) });
  }
  return out;
}

/** Inverse of a symmetric 3×3 matrix by cofactors; null when singular. */
function invert3(m: number[][]): number[][] | null {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h,
    B = -(d * i - f * g),
    C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || det === 0) return null;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

/**
 * Asymptotic standard errors, √diag(s²·(JᵀJ)⁻¹) with s² = SSE/(n−3) and J the model's Jacobian at the estimate: what
 * R's nls/nlsr (and so the R usl package's summary and confint) report. Null with n ≤ 3 or a singular JᵀJ.
 */
export function standardErrors(points: UslPoint[], c: UslCoefficients): UslCoefficients | null {
  if (points.length <= 3) return null;
  const jtj = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const p of points) {
    const n = p.n;
    const d = 1 + c.sigma * (n - 1) + c.kappa * n * (n - 1);
    const g = [n / d, (-c.lambda * n * (n - 1)) / (d * d), (-c.lambda * n * n * (n - 1)) / (d * d)];
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) jtj[r][k] += g[r] * g[k];
  }
  const inv = invert3(jtj);
  if (!inv) return null;
  const s2 = sse(points, c) / (points.length - 3);
  const se = [0, 1, 2].map((k) => Math.sqrt(Math.max(0, inv[k][k] * s2)));
  return { lambda: se[0], sigma: se[1], kappa: se[2] };
}

function rSquared(points: UslPoint[], c: UslCoefficients): number {
  const mean = points.reduce((a, p) => a + p.throughput, 0) / points.length;
  const tot = points.reduce((a, p) => a + (p.throughput - mean) ** 2, 0);
  return tot > 0 ? 1 - sse(points, c) / tot : 1;
}

function defaultPredictionN(points: UslPoint[]): number[] {
  const ns = [...new Set(points.map((p) => p.n))].sort((a, b) => a - b);
  const top = ns[ns.length - 1];
  return [...ns, 2 * top, 4 * top];
}

/** Fits the USL to measured points; `{ error }` instead of an invented fit when the data cannot support one. */
export function fitUsl(all: UslPoint[], opts: UslFitOptions = {}): UslFit | { error: string } {
  const invalid = validate(all);
  if (invalid) return { error: invalid };
  const points = all.length > MAX_FIT_POINTS ? reduceCurve(all, MAX_FIT_POINTS) : all;
  const c = leastSquaresUsl(points);
  if (!c) return { error: 'the least-squares USL fit did not converge to finite coefficients' };

  const nMax = peakConcurrency(c);
  const fit: UslFit = {
    sigma: c.sigma,
    kappa: c.kappa,
    lambda: c.lambda,
    r2: rSquared(points, c),
    nMax,
    xMax: nMax === null ? null : uslThroughput(c, nMax),
    predictions: (opts.predictAt ?? defaultPredictionN(points)).map((n) => ({
      n,
      throughput: uslThroughput(c, n),
      // Model efficiency X(N) / (N·λ): the USL's C(N)/N with λ standing for the throughput of one unit.
      efficiency: uslThroughput(c, n) / (n * c.lambda),
    })),
  };
  if (nMax === null && c.kappa === 0 && c.sigma > 0) fit.xCeiling = c.lambda / c.sigma;
  const se = standardErrors(points, c);
  if (se) fit.standardErrors = se;

  const requested = opts.bootstrap ?? 200;
  const resamples =
    points.length > BOOTSTRAP_MAX_POINTS
      ? 0
      : Math.min(requested, Math.max(20, Math.floor(BOOTSTRAP_WORK / points.length)));
  // With as many points as parameters the curve passes through every point: no residuals to resample.
  if (resamples > 0 && points.length > 3) {
    const iv = bootstrapIntervals(points, c, resamples, opts.seed ?? 1, opts.level ?? 0.95);
    if (iv) {
      fit.sigmaInterval = iv.sigma;
      fit.kappaInterval = iv.kappa;
      fit.bootstrap = { resamples: iv.used, seed: opts.seed ?? 1, level: opts.level ?? 0.95, method: 'residual' };
    }
  }
  return fit;
}

/**
 * Residual bootstrap: the fitted curve plus (variance-inflated) residuals drawn with replacement, refitted;
 * percentile intervals of σ and κ. Resampling residuals (not points) keeps every measured N in each resample, which
 * a sweep of a handful of points needs to stay fittable.
 */
function bootstrapIntervals(
  points: UslPoint[],
  c: UslCoefficients,
  resamples: number,
  seed: number,
  level: number,
): { sigma: [number, number]; kappa: [number, number]; used: number } | null {
  const rand = mulberry32(seed);
  const fitted = points.map((p) => uslThroughput(c, p.n));
  // Raw residuals are smaller than the errors they estimate (3 parameters were fitted to them): inflate by √(n/(n−3)).
  const inflate = Math.sqrt(points.length / (points.length - 3));
  const residuals = points.map((p, i) => (p.throughput - fitted[i]) * inflate);
  const sigmas: number[] = [];
  const kappas: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = points.map((p, i) => ({
      n: p.n,
      throughput: Math.max(0, fitted[i] + residuals[Math.floor(rand() * residuals.length)]),
    }));
    const cb = leastSquaresUsl(sample, c, true);
    if (!cb) continue;
    sigmas.push(cb.sigma);
    kappas.push(cb.kappa);
  }
  if (sigmas.length < 10) return null;
  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  sigmas.sort((a, b) => a - b);
  kappas.sort((a, b) => a - b);
  return {
    sigma: [percentile(sigmas, lo), percentile(sigmas, hi)],
    kappa: [percentile(kappas, lo), percentile(kappas, hi)],
    used: sigmas.length,
  };
}

/**
 * Gunther's normalised method (GCP §5.2.3; the default of early R `usl` releases): C(N) = X(N)/X(1), then with
 * x = N−1 and y = N/C(N) − 1 the USL becomes y = κx² + (σ+κ)x, fitted by ordinary least squares through the origin.
 * λ is the measured X(1), not an estimate. Needs a measurement at N = 1.
 */
export function fitUslNormalised(points: UslPoint[]): UslCoefficients | { error: string } {
  const invalid = validate(points);
  if (invalid) return { error: invalid };
  const ones = points.filter((p) => p.n === 1);
  if (ones.length === 0) return { error: 'the normalised USL method needs a measurement at N = 1' };
  const x1 = ones.reduce((a, p) => a + p.throughput, 0) / ones.length;
  if (!(x1 > 0)) return { error: 'X(1) must be positive' };
  // Normal equations of y = a·x² + b·x (no intercept).
  let s4 = 0,
    s3 = 0,
    s2 = 0,
    sx2y = 0,
    sxy = 0;
  for (const p of points) {
    const xv = p.n - 1;
    const yv = p.n / (p.throughput / x1) - 1;
    s4 += xv ** 4;
    s3 += xv ** 3;
    s2 += xv ** 2;
    sx2y += xv * xv * yv;
    sxy += xv * yv;
  }
  const det = s4 * s2 - s3 * s3;
  if (det === 0) return { error: 'the normalised USL regression is singular' };
  const a = (sx2y * s2 - sxy * s3) / det;
  const b = (s4 * sxy - s3 * sx2y) / det;
  return { sigma: b - a, kappa: a, lambda: x1 };
}
