import type { FitnessFunction, FitnessFunctions, FitnessOverride } from './fitness-function.js';
import type { FitnessKind } from './result.js';

/**
 * Merges the config's `fitness` entries over the built-ins: a built-in key with an object overrides those fields,
 * with `false` disables the function; any other key adds a custom function. Order: built-ins first, then custom.
 */
export function mergeFitnessFunctions(
  builtins: FitnessFunctions,
  entries: Record<string, FitnessOverride | FitnessFunction> | undefined,
): FitnessFunctions {
  const merged: FitnessFunctions = {};
  for (const [id, fn] of Object.entries(builtins)) {
    const entry = entries?.[id];
    if (entry === false) continue;
    merged[id] = entry ? { ...fn, ...entry } : fn;
  }
  for (const [id, entry] of Object.entries(entries ?? {})) {
    if (id in builtins || entry === false) continue;
    merged[id] = { needs: [], ...(entry as FitnessFunction) };
  }
  return merged;
}

/** Functions whose collectors are all among `kinds` (a custom function that needs nothing always runs). */
export function selectByKinds(functions: FitnessFunctions, kinds: readonly FitnessKind[]): FitnessFunctions {
  return Object.fromEntries(
    Object.entries(functions).filter(([, fn]) => (fn.needs ?? []).every((k) => kinds.includes(k))),
  );
}

/** The collectors the given functions need. */
export function neededCollectors(functions: FitnessFunctions): Set<Exclude<FitnessKind, 'custom'>> {
  const kinds = new Set<Exclude<FitnessKind, 'custom'>>();
  for (const fn of Object.values(functions)) {
    for (const k of fn.needs ?? []) if (k !== 'custom') kinds.add(k);
  }
  return kinds;
}
