/** Scaling efficiency and the Universal Scalability Law: the public API of src/load/scaling. */
export { runSweep, validateSteps, ScaleSweepError, type ScaleTarget, type SweepOptions } from './sweep.js';
export { analysePoints, DEFAULT_FOREIGN_CPU_BOUND, type AnalyseOptions, type PointInput } from './analyse.js';
export { readPointsFile, parsePointsCsv, parsePointsJson } from './points-file.js';
export {
  fitUsl,
  fitUslNormalised,
  leastSquaresUsl,
  peakConcurrency,
  uslThroughput,
  type UslCoefficients,
  type UslFitOptions,
  type UslPoint,
} from './usl-fit.js';
export { scaleFitnessFunctions, judgeScalingEfficiency } from './builtin-functions.js';
export { formatScaleSection } from './format.js';
export { CpuSampler } from './cpu-sampler.js';
export { replicaCommandTarget, type ReplicaCommandOptions } from './replica-command.js';
export { probeCpuQuota } from './cpu-quota.js';
