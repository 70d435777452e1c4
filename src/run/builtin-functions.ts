import type { FitnessFunctions } from '../core/fitness-function.js';

/**
 * Ids of the built-in fitness functions, known without loading the heavy collectors (config validation needs them
 * on every command). A test checks this list against the functions the collectors export.
 */
export const BUILTIN_IDS = [
  'serviceAutonomy',
  'serviceCoupling',
  'noCycles',
  'dependencyRules',
  'crossServiceCoChange',
  'p99Latency',
  'errorRate',
  'loadThresholds',
  'scalingEfficiency',
  'capacity',
] as const;

/** The built-in functions, registered exactly like user functions. Loaded lazily: the collectors are heavy. */
export async function loadBuiltins(): Promise<FitnessFunctions> {
  const [
    { staticFitnessFunctions },
    { loadFitnessFunctions },
    { scaleFitnessFunctions },
    { capacityFitnessFunctions },
  ] = await Promise.all([
    import('../fitness/builtin-functions.js'),
    import('../load/builtin-functions.js'),
    import('../load/scaling/builtin-functions.js'),
    import('../load/capacity/builtin-functions.js'),
  ]);
  return { ...staticFitnessFunctions, ...loadFitnessFunctions, ...scaleFitnessFunctions, ...capacityFitnessFunctions };
}
