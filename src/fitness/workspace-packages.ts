import fs from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import ts from './typescript-api.js';

/** A package of the analysed workspace (npm/yarn `workspaces` or pnpm-workspace.yaml). */
export interface WorkspacePackage {
  name: string;
  /** Absolute folder of the package. */
  dir: string;
  exports?: unknown;
  entry?: string;
  /** Names in dependencies / devDependencies / peerDependencies / optionalDependencies. */
  dependencies: string[];
  /** Runtime dependencies only (dependencies, optionalDependencies, peerDependencies). */
  runtimeDependencies: string[];
  /** Build output folders and the source folders they come from (tsconfig outDir / rootDir), relative to `dir`. */
  builds?: BuildMapping[];
}

export interface BuildMapping {
  outDir: string;
  rootDir: string;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Minimal reader for the `packages:` list of pnpm-workspace.yaml (the only key it needs). */
export function readPnpmWorkspaceGlobs(text: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^packages\s*:/.test(line)) {
      inPackages = true;
      continue;
    }
    if (inPackages) {
      const m = /^\s*-\s*(['"]?)(.+?)\1\s*$/.exec(line);
      if (m) globs.push(m[2]);
      else if (/^\S/.test(line)) inPackages = false;
    }
  }
  return globs;
}

export function workspaceGlobs(root: string): string[] {
  const pkg = readJson(path.join(root, 'package.json'));
  const globs: string[] = [];
  const ws = pkg?.workspaces;
  if (Array.isArray(ws)) globs.push(...ws.filter((g): g is string => typeof g === 'string'));
  else if (ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)) {
    globs.push(...(ws as { packages: unknown[] }).packages.filter((g): g is string => typeof g === 'string'));
  }
  const pnpm = path.join(root, 'pnpm-workspace.yaml');
  if (fs.existsSync(pnpm)) globs.push(...readPnpmWorkspaceGlobs(fs.readFileSync(pnpm, 'utf8')));
  return globs;
}

function depNames(pkg: Record<string, unknown>, keys: string[]): string[] {
  const names = new Set<string>();
  for (const k of keys) {
    const v = pkg[k];
    if (v && typeof v === 'object') for (const n of Object.keys(v)) names.add(n);
  }
  return [...names].sort();
}

/**
 * Workspace packages of `root` (npm / yarn `workspaces`, pnpm-workspace.yaml), and those of workspaces nested below it
 * (a package that declares workspaces of its own).
 */
export function discoverWorkspacePackages(root: string): WorkspacePackage[] {
  const byDir = new Map<string, WorkspacePackage>();
  const visited = new Set<string>();
  const visit = (wsRoot: string, depth: number) => {
    if (visited.has(wsRoot) || depth > 4) return;
    visited.add(wsRoot);
    for (const p of workspacePackagesOf(wsRoot)) {
      if (!byDir.has(p.dir)) byDir.set(p.dir, p);
      if (workspaceGlobs(p.dir).length > 0) visit(p.dir, depth + 1);
    }
  };
  visit(root, 0);
  return [...byDir.values()].sort((a, b) => a.name.localeCompare(b.name) || a.dir.localeCompare(b.dir));
}

function workspacePackagesOf(root: string): WorkspacePackage[] {
  const globs = workspaceGlobs(root).filter((g) => !g.startsWith('!'));
  if (globs.length === 0) return [];
  const ignore = workspaceGlobs(root)
    .filter((g) => g.startsWith('!'))
    .map((g) => g.slice(1));
  const dirs = globSync(
    globs.map((g) => g.replace(/\/+$/, '')),
    {
      cwd: root,
      onlyDirectories: true,
      absolute: true,
      ignore: ['**/node_modules/**', ...ignore],
      expandDirectories: false,
    },
  );
  const out: WorkspacePackage[] = [];
  for (const d of dirs) {
    const dir = d.replace(/\/+$/, '');
    const pkg = readJson(path.join(dir, 'package.json'));
    if (!pkg || typeof pkg.name !== 'string') continue;
    const entry = [pkg.source, pkg.types, pkg.typings, pkg.module, pkg.main].find(
      (v): v is string => typeof v === 'string',
    );
    const builds = buildMappings(dir);
    out.push({
      name: pkg.name,
      dir,
      ...(pkg.exports !== undefined ? { exports: pkg.exports } : {}),
      ...(entry ? { entry } : {}),
      dependencies: depNames(pkg, ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']),
      runtimeDependencies: depNames(pkg, ['dependencies', 'peerDependencies', 'optionalDependencies']),
      ...(builds.length > 0 ? { builds } : {}),
    });
  }
  return out;
}

/**
 * outDir -> rootDir of every tsconfig*.json in a package folder (`extends` followed), e.g. dist/esm -> src and
 * dist/cjs -> src; rootDir defaults to src/ when the package has one, else the package folder.
 */
export function buildMappings(dir: string): BuildMapping[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => /^tsconfig.*\.json$/.test(f));
  } catch {
    return [];
  }
  const out: BuildMapping[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    const parsed = ts.getParsedCommandLineOfConfigFile(
      file,
      {},
      {
        ...ts.sys,
        readDirectory: () => [],
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    const o = parsed?.options;
    if (!o?.outDir) continue;
    const outDir = path.relative(dir, o.outDir).split(path.sep).join('/');
    const defaultRoot = fs.existsSync(path.join(dir, 'src')) ? 'src' : '';
    const rootDir = o.rootDir ? path.relative(dir, o.rootDir).split(path.sep).join('/') : defaultRoot;
    if (outDir && !outDir.startsWith('..') && !out.some((b) => b.outDir === outDir)) out.push({ outDir, rootDir });
  }
  return out;
}

const CONDITION_ORDER = ['source', 'development', 'types', 'import', 'module', 'node', 'default', 'require'];

/** Every string target of an export value, the preferred conditions first, then all the others. */
function conditionTargets(target: unknown): string[] {
  if (typeof target === 'string') return [target];
  if (Array.isArray(target)) return target.flatMap(conditionTargets);
  if (target && typeof target === 'object') {
    const obj = target as Record<string, unknown>;
    const keys = [
      ...CONDITION_ORDER.filter((c) => c in obj),
      ...Object.keys(obj).filter((k) => !CONDITION_ORDER.includes(k)),
    ];
    return [...new Set(keys.flatMap((k) => conditionTargets(obj[k])))];
  }
  return [];
}

/** Every target of `subpath` in an `exports` field, in preference order (all conditions tried). */
export function exportTargets(exportsField: unknown, subpath: string): string[] {
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) {
    return subpath === '.' ? conditionTargets(exportsField) : [];
  }
  if (!exportsField || typeof exportsField !== 'object') return [];
  const map = exportsField as Record<string, unknown>;
  const keys = Object.keys(map);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.' ? conditionTargets(map) : [];
  if (subpath in map) return conditionTargets(map[subpath]);
  let best: { key: string; star: string } | undefined;
  for (const k of keys) {
    const i = k.indexOf('*');
    if (i < 0) continue;
    const pre = k.slice(0, i);
    const post = k.slice(i + 1);
    if (subpath.startsWith(pre) && subpath.endsWith(post) && subpath.length >= k.length - 1) {
      if (!best || pre.length > best.key.indexOf('*')) {
        best = { key: k, star: subpath.slice(pre.length, subpath.length - post.length) };
      }
    }
  }
  if (!best) return [];
  const star = best.star;
  return conditionTargets(map[best.key]).map((t) => t.replaceAll('*', star));
}

/** The preferred export target of `subpath` ('.' or './x') in a package.json `exports` field, with `*` patterns. */
export function exportTarget(exportsField: unknown, subpath: string): string | undefined {
  return exportTargets(exportsField, subpath)[0];
}

const SOURCE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.jsx'];

/** Maps a built artefact path (dist/x.js, lib/x.d.ts) back to the package's source file when it exists. */
export function sourceFileFor(
  pkgDir: string,
  relTarget: string,
  fileExists: (f: string) => boolean,
  builds: BuildMapping[] = [],
): string | undefined {
  const rel = relTarget.replace(/^\.\//, '');
  const stem = rel.replace(/\.d\.[cm]?ts$/, '').replace(/\.[cm]?[jt]sx?$/, '');
  const stems = [stem];
  const swapped = stem.replace(/^(dist|lib|build|out|esm|cjs)\//, 'src/');
  if (swapped !== stem) stems.push(swapped);
  // The package's own build mapping wins: dist/esm/x.js -> src/x.ts through tsconfig outDir / rootDir.
  for (const b of builds) {
    if (stem.startsWith(b.outDir + '/')) stems.push(path.posix.join(b.rootDir, stem.slice(b.outDir.length + 1)));
  }
  if (fileExists(path.join(pkgDir, rel)) && /\.[cm]?tsx?$/.test(rel) && !rel.endsWith('.d.ts'))
    return path.join(pkgDir, rel);
  for (const s of stems.slice().reverse()) {
    for (const ext of SOURCE_EXTS) {
      const f = path.join(pkgDir, s + ext);
      if (fileExists(f)) return f;
    }
    for (const ext of SOURCE_EXTS) {
      const f = path.join(pkgDir, s, 'index' + ext);
      if (fileExists(f)) return f;
    }
  }
  return undefined;
}

/** Resolves bare specifiers that name workspace packages to the packages' source files. */
export class WorkspaceResolver {
  private readonly byName = new Map<string, WorkspacePackage>();

  constructor(
    readonly packages: WorkspacePackage[],
    private readonly fileExists: (f: string) => boolean,
  ) {
    for (const p of packages) this.byName.set(p.name, p);
  }

  packageOf(specifier: string): { pkg: WorkspacePackage; subpath: string } | undefined {
    if (this.byName.size === 0 || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    const pkg = this.byName.get(name);
    if (!pkg) return undefined;
    const rest = specifier.slice(name.length);
    return { pkg, subpath: rest ? '.' + rest : '.' };
  }

  /** Absolute source file, or undefined when the specifier is not a workspace package or cannot be mapped. */
  resolve(specifier: string): string | undefined {
    const hit = this.packageOf(specifier);
    if (!hit) return undefined;
    const { pkg, subpath } = hit;
    const source = (t: string) => sourceFileFor(pkg.dir, t, this.fileExists, pkg.builds);
    if (pkg.exports !== undefined) {
      // Every condition is tried: the first target that maps back to a source file wins.
      for (const t of exportTargets(pkg.exports, subpath)) {
        const f = source(t);
        if (f) return f;
      }
      return undefined;
    }
    if (subpath === '.') {
      const f = pkg.entry ? source(pkg.entry) : undefined;
      return f ?? source('src/index.ts') ?? source('index.ts');
    }
    return source(subpath);
  }
}
