import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { parse as parseToml } from 'smol-toml';
import { ConfigError } from '../core/errors.js';
import type { EntryPoint } from '../core/result-static.js';
import ts from './typescript-api.js';
import { normaliseGlob } from './service-map.js';
import { buildMappings, sourceFileFor, type BuildMapping, type WorkspacePackage } from './workspace-packages.js';

type EntrySource = EntryPoint['source'];

/** Files a runtime or framework starts by convention (tried only when nothing declares an entry). */
const CONVENTION_GLOBS = [
  '{src/,}{index,main,server,app,worker}.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
  '{src/,}{app,pages}/**/{page,layout,route}.{ts,tsx,js,jsx}',
  '{src/,}pages/**/*.{ts,tsx,js,jsx}',
  'bin/*.{ts,mts,cts,js,mjs,cjs}',
];

/** Forward slashes (a no-op where they are the separator already: a workspace can export thousands of files). */
const toPosix = (p: string) => (path.sep === '/' ? p : p.split(path.sep).join('/'));

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Every string target of a package.json `exports` / `bin` value, each with the key path that leads to it. */
function stringTargets(value: unknown, at: string): Array<{ target: string; at: string }> {
  if (typeof value === 'string') return [{ target: value, at }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringTargets(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      stringTargets(v, k.startsWith('.') ? `${at}["${k}"]` : `${at}.${k}`),
    );
  }
  return [];
}

function packageJsonEntries(
  pkgDir: string,
  label: string,
  exists: (f: string) => boolean,
  builds: BuildMapping[],
  modules: string[],
): Array<[string, string]> {
  const pkg = readJson(path.join(pkgDir, 'package.json'));
  if (!pkg) return [];
  const found: Array<[string, string]> = [];
  const candidates = [
    ...stringTargets(pkg.main, 'main'),
    ...stringTargets(pkg.bin, 'bin'),
    ...stringTargets(pkg.exports, 'exports'),
  ];
  for (const { target, at } of candidates) {
    if (target.includes('*')) {
      // A subpath pattern (`"./*": "./dist/*.js"`) exports every source file its built paths come from.
      const matches = patternSources(target, builds);
      const prefix = pkgDir + path.sep;
      for (const m of modules) {
        if (m.startsWith(prefix) && matches(toPosix(m.slice(prefix.length)))) found.push([m, `${label} ${at}`]);
      }
      continue;
    }
    const file = sourceFileFor(pkgDir, target, exists, builds);
    if (file) found.push([file, `${label} ${at}`]);
  }
  return found;
}

/** Matches package-relative source paths a built `*` pattern target comes from (build mappings and dist -> src). */
function patternSources(target: string, builds: BuildMapping[]): (rel: string) => boolean {
  const stem = target
    .replace(/^\.\//, '')
    .replace(/\.d\.[cm]?ts$/, '')
    .replace(/\.[cm]?[jt]sx?$/, '');
  const stems = new Set([stem, stem.replace(/^(dist|lib|build|out|esm|cjs)\//, 'src/')]);
  for (const b of builds) {
    if (stem.startsWith(b.outDir + '/')) stems.add(path.posix.join(b.rootDir, stem.slice(b.outDir.length + 1)));
  }
  const res = [...stems].map((st) => {
    const body = st
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+');
    return new RegExp(`^${body}\\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$`);
  });
  return (rel) => res.some((r) => r.test(rel));
}

function wranglerEntries(root: string, exists: (f: string) => boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const toml = path.join(root, 'wrangler.toml');
  let main: unknown;
  let via = '';
  if (exists(toml)) {
    try {
      main = (parseToml(fs.readFileSync(toml, 'utf8')) as { main?: unknown }).main;
      via = 'wrangler.toml main';
    } catch {
      // An unreadable wrangler.toml names no entry; the other sources still apply.
    }
  }
  for (const name of ['wrangler.json', 'wrangler.jsonc']) {
    const f = path.join(root, name);
    if (main !== undefined || !exists(f)) continue;
    const parsed = ts.parseConfigFileTextToJson(f, fs.readFileSync(f, 'utf8'));
    main = (parsed.config as { main?: unknown } | undefined)?.main;
    via = `${name} main`;
  }
  if (typeof main === 'string') {
    const file = sourceFileFor(root, main, exists);
    if (file) out.push([file, via]);
  }
  return out;
}

/**
 * Entry points of the analysed tree: the config's `static.entry` globs when set; else what package.json files (root and
 * workspace packages: main, bin, every `exports` target) and wrangler.toml / wrangler.json declare; else framework
 * and runtime conventions (src/index.ts, src/main.ts, Next.js pages/app routes, bin/*).
 */
export function findEntryPoints(
  root: string,
  modules: string[],
  packages: WorkspacePackage[],
  configured: string[] | undefined,
): EntryPoint[] {
  const known = new Set(modules);
  const exists = (f: string) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  const rootPrefix = root + path.sep;
  const rel = (abs: string) =>
    abs.startsWith(rootPrefix) ? toPosix(abs.slice(rootPrefix.length)) : toPosix(path.relative(root, abs));
  const absModules = modules.map((m) => path.join(root, m));
  const out = new Map<string, EntryPoint>();
  const add = (file: string, source: EntrySource, via: string) => {
    if (known.has(file) && !out.has(file)) out.set(file, { file, source, via });
  };

  if (configured && configured.length > 0) {
    configured.forEach((glob, i) => {
      const isMatch = picomatch(normaliseGlob(glob), { dot: true });
      const before = out.size;
      for (const m of modules) if (isMatch(m)) add(m, 'config', `static.entry[${i}]`);
      if (out.size === before && !modules.some((m) => isMatch(m))) {
        throw new ConfigError(`glob ${JSON.stringify(glob)} matches no source file`, `static.entry[${i}]`);
      }
    });
    return [...out.values()];
  }
  for (const [abs, via] of packageJsonEntries(root, 'package.json', exists, buildMappings(root), absModules)) {
    add(rel(abs), 'package.json', via);
  }
  for (const p of packages) {
    const label = `${rel(p.dir)}/package.json`;
    for (const [abs, via] of packageJsonEntries(p.dir, label, exists, p.builds ?? [], absModules))
      add(rel(abs), 'package.json', via);
  }
  for (const [abs, via] of wranglerEntries(root, exists)) add(rel(abs), 'wrangler', via);
  if (out.size > 0) return [...out.values()];

  const conventional = picomatch(CONVENTION_GLOBS, { dot: false });
  for (const m of modules) if (conventional(m)) add(m, 'convention', 'file name convention');
  return [...out.values()];
}
