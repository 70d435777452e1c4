import fs from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';

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
    if (/^packages\s*:/.test(line)) { inPackages = true; continue; }
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
    globs.push(...((ws as { packages: unknown[] }).packages.filter((g): g is string => typeof g === 'string')));
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

export function discoverWorkspacePackages(root: string): WorkspacePackage[] {
  const globs = workspaceGlobs(root).filter((g) => !g.startsWith('!'));
  if (globs.length === 0) return [];
  const ignore = workspaceGlobs(root).filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const dirs = globSync(globs.map((g) => g.replace(/\/+$/, '')), {
    cwd: root, onlyDirectories: true, absolute: true, ignore: ['**/node_modules/**', ...ignore], expandDirectories: false,
  });
  const out: WorkspacePackage[] = [];
  for (const d of dirs) {
    const dir = d.replace(/\/+$/, '');
    const pkg = readJson(path.join(dir, 'package.json'));
    if (!pkg || typeof pkg.name !== 'string') continue;
    const entry = [pkg.source, pkg.types, pkg.typings, pkg.module, pkg.main].find((v): v is string => typeof v === 'string');
    out.push({
      name: pkg.name,
      dir,
      ...(pkg.exports !== undefined ? { exports: pkg.exports } : {}),
      ...(entry ? { entry } : {}),
      dependencies: depNames(pkg, ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']),
      runtimeDependencies: depNames(pkg, ['dependencies', 'peerDependencies', 'optionalDependencies']),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const CONDITION_ORDER = ['source', 'development', 'types', 'import', 'module', 'node', 'default', 'require'];

function pickCondition(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) { const r = pickCondition(t); if (r) return r; }
    return undefined;
  }
  if (target && typeof target === 'object') {
    const obj = target as Record<string, unknown>;
    for (const c of CONDITION_ORDER) if (c in obj) { const r = pickCondition(obj[c]); if (r) return r; }
    for (const v of Object.values(obj)) { const r = pickCondition(v); if (r) return r; }
  }
  return undefined;
}

/** The export target of `subpath` ('.' or './x') in a package.json `exports` field, with `*` patterns. */
export function exportTarget(exportsField: unknown, subpath: string): string | undefined {
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) return subpath === '.' ? pickCondition(exportsField) : undefined;
  if (!exportsField || typeof exportsField !== 'object') return undefined;
  const map = exportsField as Record<string, unknown>;
  const keys = Object.keys(map);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.' ? pickCondition(map) : undefined;
  if (subpath in map) return pickCondition(map[subpath]);
  let best: { key: string; star: string } | undefined;
  for (const k of keys) {
    const i = k.indexOf('*');
    if (i < 0) continue;
    const pre = k.slice(0, i);
    const post = k.slice(i + 1);
    if (subpath.startsWith(pre) && subpath.endsWith(post) && subpath.length >= k.length - 1) {
      if (!best || pre.length > best.key.indexOf('*')) best = { key: k, star: subpath.slice(pre.length, subpath.length - post.length) };
    }
  }
  if (!best) return undefined;
  const t = pickCondition(map[best.key]);
  return t?.replaceAll('*', best.star);
}

const SOURCE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.jsx'];

/** Maps a built artefact path (dist/x.js, lib/x.d.ts) back to the package's source file when it exists. */
export function sourceFileFor(pkgDir: string, relTarget: string, fileExists: (f: string) => boolean): string | undefined {
  const rel = relTarget.replace(/^\.\//, '');
  const stem = rel.replace(/\.d\.[cm]?ts$/, '').replace(/\.[cm]?[jt]sx?$/, '');
  const stems = [stem];
  const swapped = stem.replace(/^(dist|lib|build|out|esm|cjs)\//, 'src/');
  if (swapped !== stem) stems.push(swapped);
  if (fileExists(path.join(pkgDir, rel)) && /\.[cm]?tsx?$/.test(rel) && !rel.endsWith('.d.ts')) return path.join(pkgDir, rel);
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

  constructor(readonly packages: WorkspacePackage[], private readonly fileExists: (f: string) => boolean) {
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
    if (pkg.exports !== undefined) {
      const t = exportTarget(pkg.exports, subpath);
      if (t) return sourceFileFor(pkg.dir, t, this.fileExists);
      return undefined;
    }
    if (subpath === '.') {
      if (pkg.entry) { const f = sourceFileFor(pkg.dir, pkg.entry, this.fileExists); if (f) return f; }
      return sourceFileFor(pkg.dir, 'src/index.ts', this.fileExists) ?? sourceFileFor(pkg.dir, 'index.ts', this.fileExists);
    }
    return sourceFileFor(pkg.dir, subpath, this.fileExists);
  }
}
