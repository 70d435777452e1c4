import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StaticConfig } from '../../src/config/types.js';
import { collectStatic, type StaticCollection } from '../../src/fitness/index.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixture = (name: string) => path.join(REPO, 'fixtures', name);

/** Runs collectStatic on a fixture with its pitchey-fit.config.json (when present) and extra static options. */
export async function collectFixture(
  name: string,
  extra: StaticConfig = {},
  cacheDir?: string,
): Promise<StaticCollection> {
  const root = fixture(name);
  const cfgFile = path.join(root, 'pitchey-fit.config.json');
  const cfg = (fs.existsSync(cfgFile) ? JSON.parse(fs.readFileSync(cfgFile, 'utf8')) : {}) as {
    services?: Record<string, string[]>;
    shared?: string[];
    allowedDependencies?: Array<{ from: string; to: string }>;
    static?: StaticConfig;
  };
  return collectStatic({
    root,
    services: cfg.services ?? {},
    shared: cfg.shared ?? [],
    allowedDependencies: cfg.allowedDependencies ?? [],
    static: { ...(cfg.static ?? {}), ...extra },
    ...(cacheDir ? { cacheDir } : {}),
  });
}
