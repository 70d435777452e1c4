/**
 * Coverage of the σ/κ bootstrap intervals on simulated USL data (not a vitest test: ~15 s).
 * Run: npx jiti test/scaling/bootstrap-coverage.sim.ts
 * The figures quoted in docs/scale.md come from this script.
 */
import { fitUsl, uslThroughput } from '../../src/load/scaling/usl-fit.js';
import { mulberry32 } from '../../src/core/seeded-random.js';

const truth = { sigma: 0.05, kappa: 0.001, lambda: 100 };
const rand = mulberry32(42);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const trials = 40;
let coveredSigma = 0;
let coveredKappa = 0;
for (let t = 0; t < trials; t++) {
  const points = [1, 2, 4, 8, 12, 16, 24, 32, 48].map((n) => ({
    n,
    throughput: uslThroughput(truth, n) * (1 + 0.03 * gauss()),
  }));
  const fit = fitUsl(points, { bootstrap: 100, seed: t + 1 });
  if ('error' in fit || !fit.sigmaInterval || !fit.kappaInterval) continue;
  if (fit.sigmaInterval[0] <= truth.sigma && truth.sigma <= fit.sigmaInterval[1]) coveredSigma++;
  if (fit.kappaInterval[0] <= truth.kappa && truth.kappa <= fit.kappaInterval[1]) coveredKappa++;
}
console.log(
  `95% intervals covered the true σ in ${coveredSigma}/${trials} and κ in ${coveredKappa}/${trials} simulated data sets (9 points, 3% noise)`,
);
