import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.js';
import type { PitcheyFitConfig } from './types.js';
import { validateConfig } from './validate.js';

export const CONFIG_FILE_NAMES = [
  'pitchey-fit.config.ts',
  'pitchey-fit.config.mts',
  'pitchey-fit.config.js',
  'pitchey-fit.config.mjs',
  'pitchey-fit.config.json',
] as const;

export interface LoadedConfig {
  config: PitcheyFitConfig;
  /** Absolute path of the config file, or null for the embedded default. */
  file: string | null;
  /** Folder the config's relative paths are resolved from. */
  dir: string;
}

/** The config file named by --config, else the first of CONFIG_FILE_NAMES in `cwd`, else null. */
export function findConfigFile(cwd: string, explicit?: string): string | null {
  if (explicit) {
    const file = path.resolve(cwd, explicit);
    if (!fs.existsSync(file)) throw new ConfigError(`file not found: ${explicit}`);
    if (!fs.statSync(file).isFile()) throw new ConfigError(`not a file: ${explicit}`);
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(cwd, name);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

async function importConfigModule(file: string): Promise<unknown> {
  const ext = path.extname(file);
  if (ext === '.json') {
    const text = fs.readFileSync(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${path.basename(file)} is not valid JSON: ${(e as Error).message}`);
    }
  }
  try {
    if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
      const { createJiti } = await import('jiti');
      // `import { defineConfig } from 'pitchey-fit'` works even where pitchey-fit is not installed locally (npx).
      const jiti = createJiti(import.meta.url, {
        moduleCache: false, fsCache: false, interopDefault: true, alias: { 'pitchey-fit': publicEntry() },
      });
      return await jiti.import(file, { default: true });
    }
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return mod.default ?? mod;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const err = e as Error;
    const where = /\((.*?:\d+:\d+)\)/.exec(err.stack ?? '')?.[1];
    throw new ConfigError(`${path.basename(file)} could not be loaded: ${firstLine(err.message)}${where ? ` (at ${where})` : ''}`);
  }
}

function publicEntry(): string {
  const js = fileURLToPath(new URL('../index.js', import.meta.url));
  return fs.existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '')?.trim() ?? s;
}

/** Loads and validates a config file. Throws ConfigError with a one-line message naming the key path. */
export async function loadConfigFile(file: string, builtinIds: readonly string[]): Promise<LoadedConfig> {
  const raw = await importConfigModule(file);
  const config = validateConfig(raw, builtinIds);
  return { config, file, dir: path.dirname(file) };
}
