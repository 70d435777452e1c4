import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { proposeFromRoutes, singular } from './propose-from-routes.js';
import { discoverWorkspacePackages } from './workspace-packages.js';

export { singular };

/** The shared modules of a proposal made from the entry's routes, by the services object proposeServices returned. */
const routeShared = new WeakMap<Record<string, string[]>, string[]>();

/** Folder names of code that every service may use: proposed as `shared`, never as a service. */
const SHARED_NAME_RE =
  /^(shared|common|commons|lib|libs|utils?|helpers?|core|kernel|contracts?|types|typings|config|configs|constants|db|database|infra|infrastructure|middlewares?|tooling|scripts|docs?)$/i;
/** Folders and files that are never a service: tests, fixtures, mocks, generated and built code. */
const NEVER_NAME_RE =
  /^(__tests__|__mocks__|__fixtures__|__generated__|tests?|specs?|e2e|fixtures?|mocks?|stories|generated|gen|dist|build|out|coverage|node_modules|vendor)$/i;
const NEVER_FILE_RE = /\.(test|spec|stories|e2e|gen|generated)\.[cm]?[jt]sx?$|\.d\.[cm]?ts$/;
/** Files of a flat folder that name no domain. */
const NO_DOMAIN_FILE_RE = /^(index|main|app|server|worker|router|routes|types|utils?|helpers?|constants|config|base)$/i;
/** A service name the config validation accepts. */
const VALID_NAME_RE = /^[A-Za-z][\w.-]*$/;
/** Folders whose children (sub-folders or files) are one per domain. */
const DOMAIN_PARENTS = [
  'services',
  'apps',
  'modules',
  'domains',
  'src/services',
  'src/modules',
  'src/domains',
  'platform/services',
  'src/handlers',
  'src/routes',
  'src/controllers',
  'src/api',
  'src/repositories',
  'handlers',
  'routes',
  'controllers',
];
const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const ROLE_SUFFIX_RE =
  /[-_.]?(service|services|handler|handlers|routes?|router|controller|controllers|repository|repo|api|model|store)$/i;

function isSource(name: string): boolean {
  return SOURCE_RE.test(name) && !NEVER_FILE_RE.test(name);
}

function hasSource(dir: string, depth = 0): boolean {
  if (depth > 4) return false;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || NEVER_NAME_RE.test(e.name)) continue;
    if (e.isFile() && isSource(e.name)) return true;
    if (e.isDirectory() && hasSource(path.join(dir, e.name), depth + 1)) return true;
  }
  return false;
}

function serviceName(raw: string): string {
  return raw.replace(/^@[^/]+\//, '').replace(/[^\w.-]+/g, '-');
}

/** The domain a flat file names: `pitch-service.ts`, `pitches.ts`, `pitchRoutes.ts` -> `pitch`. */
export function domainOfFile(fileName: string): string | undefined {
  const stem = fileName.replace(SOURCE_RE, '');
  if (NO_DOMAIN_FILE_RE.test(stem)) return undefined;
  const base = stem.replace(ROLE_SUFFIX_RE, '') || stem;
  if (NO_DOMAIN_FILE_RE.test(base)) return undefined;
  return singular(base.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase());
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/**
 * Domains found in the conventional per-domain folders: each sub-folder with source is one (`src/services/email/`),
 * and each flat file names one (`src/handlers/users.ts` and `src/services/user-service.ts` are both `user`). Tests,
 * fixtures, mocks, generated code and shared-looking folders are never domains.
 */
function domainsOfFolders(root: string): Map<string, Set<string>> {
  const domains = new Map<string, Set<string>>();
  const add = (name: string, glob: string) => {
    const n = serviceName(name);
    if (!VALID_NAME_RE.test(n)) return;
    let s = domains.get(n);
    if (!s) domains.set(n, (s = new Set()));
    s.add(glob);
  };
  for (const parent of DOMAIN_PARENTS) {
    const dir = path.join(root, parent);
    for (const e of listDir(dir)) {
      if (e.name.startsWith('.') || NEVER_NAME_RE.test(e.name) || SHARED_NAME_RE.test(e.name)) continue;
      if (e.isDirectory() && hasSource(path.join(dir, e.name))) add(singular(e.name), `${parent}/${e.name}/**`);
      else if (e.isFile() && isSource(e.name)) {
        const d = domainOfFile(e.name);
        if (d) add(d, `${parent}/${e.name}`);
      }
    }
  }
  return domains;
}

/**
 * Proposes services for an unknown repo: workspace packages first (shared-looking, test and fixture ones left out);
 * else the domains of the conventional per-domain folders, sub-folders and flat files alike (services/, apps/,
 * src/services/, src/handlers/, src/routes/, ...); else the folders of src/. Every name passes the config validation.
 */
export function proposeServices(root: string): Record<string, string[]> {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new InputError(`root ${root} does not exist or is not a folder`);
  }
  const out: Record<string, string[]> = {};
  const rel = (d: string) => path.relative(root, d).split(path.sep).join('/');
  const packages = discoverWorkspacePackages(root).filter((p) => {
    const names = [serviceName(p.name), ...rel(p.dir).split('/')];
    return (
      !names.some((n) => SHARED_NAME_RE.test(n) || NEVER_NAME_RE.test(n)) && VALID_NAME_RE.test(serviceName(p.name))
    );
  });
  if (packages.length > 0) {
    for (const p of packages) out[serviceName(p.name)] = [`${rel(p.dir)}/**`];
    return out;
  }
  const domains = domainsOfFolders(root);
  if (domains.size >= 2) {
    for (const [name, globs] of [...domains.entries()].sort(([a], [b]) => a.localeCompare(b))) out[name] = [...globs];
    return out;
  }
  // One big entry file and no domain folders: the domains of the routes it registers.
  const fromRoutes = proposeFromRoutes(root);
  if (Object.keys(fromRoutes.services).length >= 2) {
    routeShared.set(fromRoutes.services, fromRoutes.shared);
    return fromRoutes.services;
  }
  const src = fs.existsSync(path.join(root, 'src')) ? path.join(root, 'src') : root;
  for (const e of listDir(src)) {
    if (!e.isDirectory() || e.name.startsWith('.') || NEVER_NAME_RE.test(e.name) || SHARED_NAME_RE.test(e.name))
      continue;
    if (!hasSource(path.join(src, e.name)) || !VALID_NAME_RE.test(serviceName(e.name))) continue;
    out[serviceName(e.name)] = [`${rel(path.join(src, e.name))}/**`];
  }
  return out;
}

const SHARED_PARENTS = ['', 'src', 'platform', 'packages', 'libs', 'lib'];

/**
 * Proposes shared globs (contracts / kernel / infrastructure libs) next to proposed services: shared-looking workspace
 * packages and folders named like shared code (contracts, shared, common, lib, utils, db, types, ...).
 */
export function proposeShared(root: string, services: Record<string, string[]>): string[] {
  const rel = (d: string) => path.relative(root, d).split(path.sep).join('/');
  const serviceRoots = new Set(
    Object.values(services)
      .flat()
      .map((g) => g.replace(/\/\*\*$/, '')),
  );
  const out = new Set<string>();
  for (const p of discoverWorkspacePackages(root)) {
    const r = rel(p.dir);
    const shared = SHARED_NAME_RE.test(serviceName(p.name)) || SHARED_NAME_RE.test(path.basename(p.dir));
    if (!serviceRoots.has(r) && shared) out.add(`${r}/**`);
  }
  for (const parent of SHARED_PARENTS) {
    const dir = path.join(root, parent);
    for (const e of listDir(dir)) {
      if (!e.isDirectory() || !SHARED_NAME_RE.test(e.name) || /^(scripts|tooling|docs?|config|configs)$/i.test(e.name))
        continue;
      const r = rel(path.join(dir, e.name));
      if (!serviceRoots.has(r) && hasSource(path.join(dir, e.name))) out.add(`${r}/**`);
    }
  }
  // Services proposed from the entry's routes: the modules the routes of several domains reach are shared.
  for (const f of routeShared.get(services) ?? []) out.add(f);
  return [...out].sort();
}
