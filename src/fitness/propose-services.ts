import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { discoverWorkspacePackages } from './workspace-packages.js';

const SHARED_NAME_RE = /^(shared|common|commons|lib|libs|utils?|core|kernel|contracts?|types|config|configs|tooling|scripts|test|tests|e2e|docs?)$/i;
const SERVICE_PARENTS = ['services', 'apps', 'modules', 'src/services', 'src/modules', 'src/domains', 'platform/services', 'packages'];
const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

function hasSource(dir: string, depth = 0): boolean {
  if (depth > 4) return false;
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return false; }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
    if (e.isFile() && SOURCE_RE.test(e.name) && !e.name.endsWith('.d.ts')) return true;
    if (e.isDirectory() && hasSource(path.join(dir, e.name), depth + 1)) return true;
  }
  return false;
}

function serviceName(raw: string): string {
  return raw.replace(/^@[^/]+\//, '').replace(/[^\w-]+/g, '-');
}

/**
 * Proposes services for an unknown repo: workspace packages first (shared-looking ones left out), else the child
 * folders of a conventional services folder (services/, apps/, modules/, src/services/, ...), else the folders of src/.
 */
export function proposeServices(root: string): Record<string, string[]> {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new InputError(`root ${root} does not exist or is not a folder`);
  const out: Record<string, string[]> = {};
  const rel = (d: string) => path.relative(root, d).split(path.sep).join('/');
  const packages = discoverWorkspacePackages(root).filter((p) => !SHARED_NAME_RE.test(serviceName(p.name)) && !SHARED_NAME_RE.test(path.basename(p.dir)));
  if (packages.length > 0) {
    for (const p of packages) out[serviceName(p.name)] = [`${rel(p.dir)}/**`];
    return out;
  }
  for (const parent of SERVICE_PARENTS) {
    const dir = path.join(root, parent);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
    const children = fs.readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SHARED_NAME_RE.test(e.name) && hasSource(path.join(dir, e.name)))
      .map((e) => e.name).sort();
    if (children.length >= 2) {
      for (const c of children) out[serviceName(c)] = [`${parent}/${c}/**`];
      return out;
    }
  }
  const src = fs.existsSync(path.join(root, 'src')) ? path.join(root, 'src') : root;
  const children = fs.readdirSync(src, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'dist' && !SHARED_NAME_RE.test(e.name) && hasSource(path.join(src, e.name)))
    .map((e) => e.name).sort();
  for (const c of children) out[serviceName(c)] = [`${rel(path.join(src, c))}/**`];
  return out;
}

const SHARED_PARENTS = ['', 'src', 'platform', 'packages', 'libs', 'lib'];

/**
 * Proposes shared globs (contracts / kernel / infrastructure libs) next to proposed services: shared-looking workspace
 * packages and folders named contracts, shared, common, kernel, lib, libs, types.
 */
export function proposeShared(root: string, services: Record<string, string[]>): string[] {
  const rel = (d: string) => path.relative(root, d).split(path.sep).join('/');
  const serviceRoots = new Set(Object.values(services).flat().map((g) => g.replace(/\/\*\*$/, '')));
  const out = new Set<string>();
  for (const p of discoverWorkspacePackages(root)) {
    const r = rel(p.dir);
    if (!serviceRoots.has(r) && (SHARED_NAME_RE.test(serviceName(p.name)) || SHARED_NAME_RE.test(path.basename(p.dir)))) out.add(`${r}/**`);
  }
  for (const parent of SHARED_PARENTS) {
    const dir = path.join(root, parent);
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      if (!e.isDirectory() || !/^(contracts?|shared|common|kernel|lib|libs|types)$/i.test(e.name)) continue;
      const r = rel(path.join(dir, e.name));
      if (!serviceRoots.has(r) && hasSource(path.join(dir, e.name))) out.add(`${r}/**`);
    }
  }
  return [...out].sort();
}
