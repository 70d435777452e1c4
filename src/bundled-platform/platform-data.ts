import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioConfig } from '../config/types.js';
import { ConfigError, InputError, UsageError } from '../core/errors.js';
import { defaultPlatformScenarios } from './default-scenarios.js';
import { isSeedManifest, SEED_MANIFEST_FILE, seedManifestRows, type SeedManifest } from './seed-manifest.js';

/** The parsed seed manifest when `file` is one (a JSON file of the platform's shape), else null. */
function readSeedManifest(file: string): SeedManifest | null {
  if (!file.endsWith('.json') || !fs.existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null; // not ours: the load engine reports the file's own problem when it reads it
  }
  return isSeedManifest(parsed) ? parsed : null;
}

/**
 * Scenarios whose `data` names a platform seed manifest (relative to `baseDir`, as load data files are) get the
 * manifest's plain rows instead, so the generic load code and the k6 script only ever see rows. Other data is kept.
 */
export function platformDataAsRows(
  scenarios: Record<string, ScenarioConfig>,
  baseDir: string,
): Record<string, ScenarioConfig> {
  const out: Record<string, ScenarioConfig> = {};
  for (const [name, sc] of Object.entries(scenarios)) {
    const file = typeof sc.data === 'string' ? sc.data : null;
    const manifest = file === null ? null : readSeedManifest(path.resolve(baseDir, file));
    if (!manifest) {
      out[name] = sc;
      continue;
    }
    try {
      out[name] = { ...sc, data: seedManifestRows(manifest) };
    } catch (e) {
      if (e instanceof InputError) throw new ConfigError(`${file}: ${e.message}`, `load.scenarios.${name}.data`);
      throw e;
    }
  }
  return out;
}

/**
 * Seed manifests an export can take rows from: `seed-manifest.json` in `cwd`, then the one of a platform started
 * with `pitchey-fit platform start --seed` (its default data folder `.pitchey-fit/platform`).
 */
export function seedManifestCandidates(cwd: string): string[] {
  return [path.join(cwd, SEED_MANIFEST_FILE), path.join(cwd, '.pitchey-fit', 'platform', SEED_MANIFEST_FILE)];
}

/**
 * The default scenarios for a k6 script export, with the seeded platform's rows embedded (the script then needs no
 * file and knows nothing of the platform). Without a seed manifest there are no rows to embed: a usage error.
 */
export function platformScenariosForExport(cwd: string): Record<string, ScenarioConfig> {
  const candidates = seedManifestCandidates(cwd);
  for (const file of candidates) {
    const manifest = readSeedManifest(file);
    if (manifest) return defaultPlatformScenarios(manifest);
  }
  throw new UsageError(
    `no seed manifest to take the default scenarios' rows from (looked for ${candidates
      .map((f) => path.relative(cwd, f))
      .join(' and ')}): start the platform seeded first (pitchey-fit platform start --seed), or define load.scenarios`,
  );
}
