import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitUsl, fitUslNormalised, uslThroughput, type UslPoint } from '../../src/load/scaling/usl-fit.js';
import type { UslFit } from '../../src/core/result-scale.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function fixture(name: string): UslPoint[] {
  const lines = readFileSync(path.join(root, 'fixtures/usl', `${name}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return lines.map((l) => {
    const [n, x] = l.split(',').map(Number);
    return { n, throughput: x };
  });
}

/** Agreement to `digits` significant digits: the relative difference is below half a unit of the last digit. */
function expectSignificant(actual: number, published: number, digits: number): void {
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(published))) - digits + 1);
  expect(Math.abs(actual - published), `${actual} vs published ${published}`).toBeLessThanOrEqual(unit / 2);
}

function okFit(r: UslFit | { error: string }): UslFit {
  if ('error' in r) throw new Error(r.error);
  return r;
}

describe('fitUsl (σ, κ, λ by non-linear least squares) on published data sets', () => {
  // R usl >= 2, method nlxb (tests/usl-nlxb.Rout.save): alpha 0.0277285, beta 0.0001044, gamma 89.9952330, R² 0.9896.
  it('specsdm91 matches the R usl package', () => {
    const fit = okFit(fitUsl(fixture('specsdm91'), { bootstrap: 0 }));
    expectSignificant(fit.sigma, 0.0277285, 6);
    expectSignificant(fit.kappa, 0.0001044, 4);
    expectSignificant(fit.lambda, 89.995233, 7);
    expectSignificant(fit.r2, 0.9896, 4);
    // peak.scalability() printed with signif(., 2) is 97 (tests/peak-scalability.Rout.save); √((1−σ)/κ) by hand ≈ 96.5
    expect(Number(fit.nMax!.toPrecision(2))).toBe(97);
    expect(fit.nMax!).toBeCloseTo(Math.sqrt((1 - fit.sigma) / fit.kappa), 10);
    expect(fit.xMax!).toBeCloseTo(uslThroughput(fit, fit.nMax!), 8);
  });

  // R usl (tests/confint.Rout.save, the R package's nls output): sigma 0.057771, kappa 0 at its bound, gamma 21.848843.
  it('raytracer matches the R usl package, with κ at its lower bound', () => {
    const fit = okFit(fitUsl(fixture('raytracer'), { bootstrap: 0 }));
    expectSignificant(fit.sigma, 0.057771, 5);
    expect(fit.kappa).toBe(0);
    expectSignificant(fit.lambda, 21.848843, 6);
    expect(fit.nMax).toBeNull();
    expect(fit.xMax).toBeNull();
    expect(fit.xCeiling!).toBeCloseTo(fit.lambda / fit.sigma, 8);
  });

  // B. Schwartz, Practical Scalability Analysis with the USL:
  // σ 0.02671591, κ 7.690945e-4, λ 995.6486, N_max 35, X_max 12341.
  it('Cisco benchmark matches the published coefficients', () => {
    const fit = okFit(fitUsl(fixture('cisco'), { bootstrap: 0 }));
    expectSignificant(fit.sigma, 0.02671591, 5);
    expectSignificant(fit.kappa, 7.690945e-4, 5);
    expectSignificant(fit.lambda, 995.6486, 6);
    expect(Math.floor(fit.nMax!)).toBe(35);
    expectSignificant(uslThroughput(fit, 35), 12341, 4);
  });

  // Standard errors as R's nls/nlxb print them for specsdm91 (tests/usl-nlxb.Rout.save):
  // 0.0091217, 0.0000199, 14.2134894.
  it('standard errors match the R usl package (specsdm91)', () => {
    const se = okFit(fitUsl(fixture('specsdm91'), { bootstrap: 0 })).standardErrors!;
    expectSignificant(se.sigma, 0.0091217, 5);
    expectSignificant(se.kappa, 0.00001988, 4);
    expectSignificant(se.lambda, 14.2134894, 8);
  });

  // R usl's confint for raytracer (tests/confint.Rout.save): sigma [0.033677, 0.081864], gamma [17.868380, 25.829306],
  // kappa ±0.000214. Those are estimate ± 1.812461·SE, where 1.812461 is the t quantile qt(0.95, 10) that version used.
  it('standard errors reproduce the R usl package confint (raytracer)', () => {
    const fit = okFit(fitUsl(fixture('raytracer'), { bootstrap: 0 }));
    const t = 1.812461;
    const se = fit.standardErrors!;
    expectSignificant(fit.sigma - t * se.sigma, 0.033677, 4);
    expectSignificant(fit.sigma + t * se.sigma, 0.081864, 5);
    expectSignificant(fit.lambda - t * se.lambda, 17.86838, 6);
    expectSignificant(fit.lambda + t * se.lambda, 25.829306, 6);
    expectSignificant(t * se.kappa, 0.000214, 3);
  });

  it('recovers exact coefficients from noise-free USL data', () => {
    const truth = { sigma: 0.05, kappa: 0.002, lambda: 120 };
    const points = [1, 2, 4, 8, 12, 16, 24, 32].map((n) => ({ n, throughput: uslThroughput(truth, n) }));
    const fit = okFit(fitUsl(points, { bootstrap: 0 }));
    expect(fit.sigma).toBeCloseTo(0.05, 6);
    expect(fit.kappa).toBeCloseTo(0.002, 8);
    expect(fit.lambda).toBeCloseTo(120, 4);
    expect(fit.r2).toBeCloseTo(1, 10);
  });

  it('refuses to fit fewer distinct N than parameters', () => {
    const r = fitUsl([
      { n: 1, throughput: 10 },
      { n: 2, throughput: 19 },
      { n: 2, throughput: 18 },
    ]);
    expect(r).toEqual({ error: expect.stringContaining('needs at least 3 distinct N; got 2') as unknown });
    expect(fitUsl([])).toHaveProperty('error');
  });

  it('gives no bootstrap intervals when the points leave no residual degrees of freedom', () => {
    const fit = okFit(
      fitUsl([
        { n: 1, throughput: 100 },
        { n: 2, throughput: 180 },
        { n: 4, throughput: 290 },
      ]),
    );
    expect(fit.sigmaInterval).toBeUndefined();
    expect(fit.kappaInterval).toBeUndefined();
    expect(fit.r2).toBeCloseTo(1, 9);
  });

  it('predicts throughput and model efficiency at larger N', () => {
    const fit = okFit(fitUsl(fixture('specsdm91'), { bootstrap: 0, predictAt: [432] }));
    expect(fit.predictions).toHaveLength(1);
    const [p] = fit.predictions;
    expect(p.n).toBe(432);
    expect(p.throughput).toBeCloseTo((fit.lambda * 432) / (1 + fit.sigma * 431 + fit.kappa * 432 * 431), 8);
    expect(p.efficiency).toBeCloseTo(1 / (1 + fit.sigma * 431 + fit.kappa * 432 * 431), 10);
  });

  it('bootstrap intervals are deterministic for a seed and bracket the estimate', () => {
    const data = fixture('specsdm91');
    const a = okFit(fitUsl(data, { bootstrap: 60, seed: 7 }));
    const b = okFit(fitUsl(data, { bootstrap: 60, seed: 7 }));
    const c = okFit(fitUsl(data, { bootstrap: 60, seed: 8 }));
    expect(a.sigmaInterval).toEqual(b.sigmaInterval);
    expect(a.kappaInterval).toEqual(b.kappaInterval);
    expect(c.sigmaInterval).not.toEqual(a.sigmaInterval);
    expect(a.sigmaInterval![0]).toBeLessThan(a.sigma);
    expect(a.sigmaInterval![1]).toBeGreaterThan(a.sigma);
    expect(a.kappaInterval![0]).toBeLessThan(a.kappa);
    expect(a.kappaInterval![1]).toBeGreaterThan(a.kappa);
    expect(a.bootstrap).toEqual({ resamples: 60, seed: 7, level: 0.95, method: 'residual' });
  });
});

describe('fitUslNormalised (Gunther GCP §5.2.3, R usl 1.x default) on published data sets', () => {
  // R usl 1.x README: Scale Factor 64.9, sigma 1.705e-02, kappa 7.892e-05.
  it('specsdm91', () => {
    const c = fitUslNormalised(fixture('specsdm91'));
    if ('error' in c) throw new Error(c.error);
    expectSignificant(c.sigma, 1.705e-2, 4);
    expectSignificant(c.kappa, 7.892e-5, 4);
    expect(c.lambda).toBe(64.9);
  });

  // R usl 1.x summary quoted by Gunther (2018): sigma 5.002e-02, kappa 4.708e-06.
  it('raytracer', () => {
    const c = fitUslNormalised(fixture('raytracer'));
    if ('error' in c) throw new Error(c.error);
    expectSignificant(c.sigma, 5.002e-2, 4);
    expectSignificant(c.kappa, 4.708e-6, 4);
  });

  it('needs a measurement at N = 1', () => {
    expect(
      fitUslNormalised([
        { n: 2, throughput: 2 },
        { n: 4, throughput: 3 },
        { n: 8, throughput: 4 },
      ]),
    ).toEqual({
      error: 'the normalised USL method needs a measurement at N = 1',
    });
  });
});
