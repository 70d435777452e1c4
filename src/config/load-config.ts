import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { describeJsonError, describeModuleError } from './config-source-errors.js';
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

async function importConfigModule(file: string): Promise<unknown> {
  const name = path.basename(file);
  const ext = path.extname(file);
  if (ext !== '.json' && !MODULE_EXTENSIONS.includes(ext)) {
    throw new ConfigError(`${name}: unsupported config file type; use ${[...MODULE_EXTENSIONS, '.json'].join(', ')}`);
  }
  // A BOM is legal at the start of a UTF-8 file; JSON.parse would choke on it.
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw new ConfigError(
      `${name} is empty${ext === '.json' ? '' : ': end it with export default defineConfig({...})'}`,
    );
  }
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${name} is not valid JSON: ${describeJsonError(text, e as Error)}`);
    }
  }
  let mod: Record<string, unknown>;
  try {
    // One loader for TypeScript and JavaScript (ESM or CommonJS), so errors look the same whatever the file type.
    // `import { defineConfig } from 'pitchey-fit'` works even where pitchey-fit is not installed locally (npx).
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, {
      moduleCache: false,
      fsCache: false,
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
  // `export default (async () => ({ ... }))()` is a config computed at load time.
  return await mod.default;
}

function publicEntry(): string {
  const js = fileURLToPath(new URL('../index.js', import.meta.url));
  return fs.existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

/** Loads and validates a config file. Throws ConfigError with a one-line message naming the key path. */
export async function loadConfigFile(file: string, builtinIds: readonly string[]): Promise<LoadedConfig> {
  const raw = await importConfigModule(file);
  const config = validateConfig(raw, builtinIds);
  return { config, file, dir: path.dirname(file) };
}
