import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { describeJsonError, describeModuleError, duplicateJsonKey } from './config-source-errors.js';
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

const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** How long a JS/TS config may take to evaluate (its top-level awaits included). */
export const CONFIG_LOAD_TIMEOUT_MS = 30_000;

export interface LoadConfigOptions {
  /** Default CONFIG_LOAD_TIMEOUT_MS. */
  timeoutMs?: number;
}

async function importConfigModule(file: string, options: LoadConfigOptions): Promise<unknown> {
  const name = path.basename(file);
  const ext = path.extname(file);
  if (ext !== '.json' && !MODULE_EXTENSIONS.includes(ext)) {
    throw new ConfigError(`${name}: unsupported config file type; use ${[...MODULE_EXTENSIONS, '.json'].join(', ')}`);
  }
  // A BOM is legal at the start of a UTF-8 file; JSON.parse would choke on it.
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (withoutComments(text, ext).trim() === '') {
    throw new ConfigError(
      `${name} is empty${ext === '.json' ? '' : ': end it with export default defineConfig({...})'}`,
    );
  }
  if (ext === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${name} is not valid JSON: ${describeJsonError(text, e as Error)}`);
    }
    const duplicate = duplicateJsonKey(text);
    if (duplicate) throw new ConfigError(`${name}: key ${duplicate} is written twice; JSON keeps only the last one`);
    return parsed;
  }
  return withinTimeout(evaluateModule(file, name), options.timeoutMs ?? CONFIG_LOAD_TIMEOUT_MS, name);
}

/**
 * A module of comments only is as empty as an empty file (CommonJS would read it as `{}`). Comments are cut only at
 * line starts and as blocks; a string holding comment markers leaves code behind, so nothing with code looks empty.
 */
function withoutComments(text: string, ext: string): string {
  if (ext === '.json') return text;
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*(\/\/|#!).*$/gm, '');
}

/** Evaluates a JS/TS config module and returns its default export, awaited. */
async function evaluateModule(file: string, name: string): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    // One loader for TypeScript and JavaScript (ESM or CommonJS), so errors look the same whatever the file type.
    // `import { defineConfig } from 'pitchey-fit'` works even where pitchey-fit is not installed locally (npx).
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, {
      moduleCache: false,
      // Transpiling the config costs ~100 ms a run. jiti's file cache keeps each transpiled file under a name from
      // its path and reuses it only when it ends with the hash of the current source text (and jiti's version):
      // an edited config or helper is transpiled again, a half-written entry is a miss, an unwritable folder
      // turns the cache off. The folder is the state folder next to the config, which the runs use anyway.
      fsCache: configCacheDir(file),
      interopDefault: true,
      alias: { 'pitchey-fit': publicEntry() },
    });
    mod = await jiti.import<Record<string, unknown>>(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${name} could not be loaded: ${describeModuleError(e, file)}`);
  }
  if (mod === null || typeof mod !== 'object' || !('default' in mod)) {
    throw new ConfigError(`${name} has no default export: end it with export default defineConfig({...})`);
  }
  try {
    // `export default (async () => ({ ... }))()` is a config computed at load time.
    return await mod.default;
  } catch (e) {
    throw new ConfigError(`${name} could not be loaded: ${describeModuleError(e, file)}`);
  }
}

/**
 * A config whose top-level await never settles would otherwise end the process with Node's silent exit 13 (nothing
 * else keeps the event loop alive) or hang on its own timers: the pending timer keeps the loop alive until it fails.
 */
function withinTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const seconds = ms / 1000;
    const message = `${name} did not finish loading within ${seconds} s (a top-level await that never settles?)`;
    timer = setTimeout(() => reject(new ConfigError(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Where transpiled config modules are kept: `.pitchey-fit/cache/config` next to the config file. */
export function configCacheDir(file: string): string {
  return path.join(path.dirname(file), '.pitchey-fit', 'cache', 'config');
}

function publicEntry(): string {
  const js = fileURLToPath(new URL('../index.js', import.meta.url));
  return fs.existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

/** Loads and validates a config file. Throws ConfigError with a one-line message naming the key path. */
export async function loadConfigFile(
  file: string,
  builtinIds: readonly string[],
  options: LoadConfigOptions = {},
): Promise<LoadedConfig> {
  const raw = await importConfigModule(file, options);
  const config = validateConfig(raw, builtinIds);
  return { config, file, dir: path.dirname(file) };
}
