import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type * as TS from 'typescript';

const require = createRequire(import.meta.url);
let loaded: typeof TS | undefined;
let codeCacheFile: string | undefined;
let loadedScript: { script: vm.Script; fromCache: boolean } | undefined;

/** The installed TypeScript version, read without loading the compiler (cache entries are only valid for it). */
export const typescriptVersion: string = (require('typescript/package.json') as { version: string }).version;

/**
 * Lets the first load of TypeScript use (and later save) V8's code cache in `dir`. Node 20 has no module compile
 * cache, and compiling the 9 MB bundle is most of what a warm re-run with one changed file costs to parse it
 * (measured here: 144 ms CPU for require('typescript'), 54 ms with the code cache).
 */
export function useTypeScriptCodeCache(dir: string): void {
  codeCacheFile = path.join(dir, `typescript-${typescriptVersion}-v8-${process.versions.v8}.codecache`);
}

/** Loads typescript.js as CommonJS through vm.Script so V8 can take cached code, and registers it in require.cache. */
function loadWithCodeCache(file: string): typeof TS {
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(codeCacheFile!);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const mod = new Module(file);
  mod.filename = file;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  require.cache[file] = mod;
  loadedScript = { script, fromCache: cachedData !== undefined && !script.cachedDataRejected };
  return mod.exports as typeof TS;
}

function load(): typeof TS {
  if (!codeCacheFile) return require('typescript') as typeof TS;
  const file = require.resolve('typescript');
  return (require.cache[file]?.exports as typeof TS | undefined) ?? loadWithCodeCache(file);
}

/** Whether this process compiled TypeScript with V8's code cache (undefined: not loaded through the cache path). */
export function typeScriptCodeCacheUsed(): boolean | undefined {
  return loadedScript?.fromCache;
}

/**
 * Writes V8's code cache for TypeScript when this process compiled it without one, after the parses it did (so the
 * parser's functions are in it too). Best effort: a cache that cannot be written only costs the next run time.
 */
export function saveTypeScriptCodeCache(): void {
  if (!loadedScript || loadedScript.fromCache || !codeCacheFile) return;
  try {
    const tmp = `${codeCacheFile}.${process.pid}.tmp`;
    fs.mkdirSync(path.dirname(codeCacheFile), { recursive: true });
    fs.writeFileSync(tmp, loadedScript.script.createCachedData());
    fs.renameSync(tmp, codeCacheFile);
    loadedScript.fromCache = true;
  } catch {
    // ignored: see above
  }
}

// Loaded with require: importing the 9 MB CommonJS bundle from ESM makes Node scan it for named exports, which
// costs ~0.5 s per process start (measured here: import 770 ms vs require 240 ms). And loaded on first use only: a
// warm re-run whose files all hit the caches never parses or resolves anything, so it never pays for it.
const ts = new Proxy({} as typeof TS, {
  get(_target, key) {
    loaded ??= load();
    return loaded[key as keyof typeof TS];
  },
});
export default ts;
