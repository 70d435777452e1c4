import fs from 'node:fs';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { ConfigError } from '../core/errors.js';
import { defaultConfig } from '../config/default-config.js';
import { findConfigFile, loadConfigFile } from '../config/load-config.js';
import { packageRoot } from '../config/package-root.js';
import type { PitcheyFitConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { platformDataAsRows } from '../bundled-platform/platform-data.js';
import { BUILTIN_IDS } from './builtin-functions.js';
import { rejectIfNeverSettles } from './never-settles.js';

/** A validated config with every path made absolute and every glob checked against the tree. */
export interface ResolvedConfig {
  config: PitcheyFitConfig;
  /** Absolute config file, or null for the embedded default (the bundled platform). */
  file: string | null;
  isDefault: boolean;
  name: string;
  root: string;
  services: Record<string, string[]>;
  shared: string[];
  outDir: string;
  baselineFile: string | null;
  historyFile: string | null;
  /** Folder of pitchey-fit's own state (history, extraction cache): `.pitchey-fit` beside the config, or in cwd. */
  stateDir: string;
}

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**'];

function asArray(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** `signal`: an interrupt while the config module is still evaluating (a pending top-level await) ends the wait. */
export async function resolveConfig(
  cwd: string,
  explicitFile?: string,
  outDirFlag?: string,
  signal?: AbortSignal,
): Promise<ResolvedConfig> {
  const file = findConfigFile(cwd, explicitFile);
  // Outputs of the embedded default go to the user's folder, never into the installed package.
  if (!file) return resolveLoaded(defaultConfig(), { file: null, dir: packageRoot(), outBase: cwd }, cwd, outDirFlag);
  const name = path.basename(file);
  const { config, dir } = await rejectIfNeverSettles(
    untilAborted(loadConfigFile(file, BUILTIN_IDS), signal, () => new ConfigError(`${name} was still loading`)),
    () => new ConfigError(`${name} never finished loading (a top-level await that never settles?)`),
  );
  return resolveLoaded(config, { file, dir, outBase: dir }, cwd, outDirFlag);
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, error: () => Error): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(error());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A config object (programmatic use): validated like a file, its relative paths resolved from `dir`. */
export async function resolveConfigObject(raw: unknown, dir: string, outDirFlag?: string): Promise<ResolvedConfig> {
  const config = validateConfig(raw, BUILTIN_IDS);
  return resolveLoaded(config, { file: null, dir, outBase: dir, isObject: true }, dir, outDirFlag);
}

interface ConfigOrigin {
  file: string | null;
  /** Folder the config's relative paths are resolved from. */
  dir: string;
  /** Folder outputs and state go to by default. */
  outBase: string;
  isObject?: boolean;
}

async function resolveLoaded(
  config: PitcheyFitConfig,
  origin: ConfigOrigin,
  cwd: string,
  outDirFlag: string | undefined,
): Promise<ResolvedConfig> {
  const { file, dir, outBase } = origin;
  // A scenario fed from a bundled-platform seed manifest gets its plain rows here, once, for every collector and the
  // k6 export (data files are read relative to the working directory, as the load engine reads them).
  const scenarios = config.load?.scenarios;
  if (scenarios)
    config = { ...config, load: { ...config.load, scenarios: platformDataAsRows(scenarios, process.cwd()) } };
  const root = path.resolve(dir, config.root ?? '.');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new ConfigError(`folder not found: ${config.root ?? root}`, 'root');
  }
  const services = Object.fromEntries(Object.entries(config.services ?? {}).map(([k, v]) => [k, asArray(v)]));
  const shared = asArray(config.shared);
  await Promise.all([
    ...Object.entries(services).map(([name, globs]) => expectMatches(root, globs, `services.${name}`)),
    ...shared.map((g, i) => expectMatches(root, [g], Array.isArray(config.shared) ? `shared[${i}]` : 'shared')),
  ]);
  const defaultOut = config.outDir ? path.resolve(outBase, config.outDir) : path.join(outBase, 'pitchey-fit-report');
  const outDir = path.resolve(cwd, outDirFlag ?? defaultOut);
  const historyEnabled = config.history?.enabled ?? true;
  return {
    config,
    file,
    isDefault: !file && !origin.isObject,
    name: config.name ?? path.basename(root),
    root,
    services,
    shared,
    outDir,
    baselineFile: config.baseline ? path.resolve(dir, config.baseline) : null,
    historyFile: historyEnabled ? path.resolve(outBase, config.history?.file ?? '.pitchey-fit/history.sqlite') : null,
    stateDir: path.resolve(outBase, '.pitchey-fit'),
  };
}

async function expectMatches(root: string, globs: string[], keyPath: string): Promise<void> {
  const files = await glob(globs, {
    cwd: root,
    ignore: ALWAYS_IGNORED,
    onlyFiles: true,
    absolute: false,
    expandDirectories: false,
  });
  if (files.length === 0) {
    throw new ConfigError(`${globs.map((g) => JSON.stringify(g)).join(', ')} matches no file under ${root}`, keyPath);
  }
}
