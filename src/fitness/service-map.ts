import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { ConfigError } from '../core/errors.js';
import type { DependencyGraph } from '../core/result-static.js';
import { cachedByStructure } from './structure-key.js';

export interface ServiceMatcher {
  /** Service of a module path (relative, forward slashes), or null. */
  serviceOf(modulePath: string): string | null;
  isShared(modulePath: string): boolean;
  names: string[];
}

/** `./a/b` -> `a/b`; a plain folder (`services/user`, `services/user/`) means everything below it. */
export function normaliseGlob(g: string): string {
  const s = g.trim().replace(/^\.\//, '');
  if (!/[*?{}[\]!]/.test(s) && !/\.[a-z0-9]+$/i.test(s)) return `${s.replace(/\/+$/, '')}/**`;
  return s;
}
const stripDotSlash = normaliseGlob;

export function createServiceMatcher(services: Record<string, string[]>, shared: string[]): ServiceMatcher {
  const names = Object.keys(services);
  const matchers = names.map((n) => ({ name: n, isMatch: picomatch(services[n].map(stripDotSlash), { dot: true }) }));
  const sharedMatch = shared.length > 0 ? picomatch(shared.map(stripDotSlash), { dot: true }) : () => false;
  return {
    names,
    serviceOf(p) {
      for (const m of matchers) if (m.isMatch(p)) return m.name;
      return null;
    },
    isShared: (p) => sharedMatch(p),
  };
}

/**
 * Stamps each module with its service (first matching service in config order) and the shared class of modules
 * outside every service. A service or shared glob that matches no module is a config error, not a silent pass.
 */
export function assignServices(
  graph: DependencyGraph,
  services: Record<string, string[]>,
  shared: string[],
  cacheDir?: string,
): ServiceMatcher {
  const internal = graph.modules.filter((m) => !m.external);
  // The same modules and globs give the same assignment (and passed the same checks): a warm run reuses it.
  const key = cacheDir
    ? createHash('sha1')
        .update(JSON.stringify([services, shared]))
        .update(internal.map((m) => m.path).join('\n'))
        .digest('base64url')
    : undefined;
  const assigned = cachedByStructure(cacheDir, 'services', key, () => {
    matchServices(internal, services, shared);
    // Per module: its service's index in config order, else -1 (shared-allowed) or -2 (unclassified).
    const index = new Map(Object.keys(services).map((n, i) => [n, i]));
    return internal.map((m) =>
      m.service !== null ? index.get(m.service)! : m.sharedClass === 'shared-allowed' ? -1 : -2,
    );
  });
  const names = Object.keys(services);
  internal.forEach((m, i) => {
    const a = assigned[i];
    m.service = a >= 0 ? names[a] : null;
    if (a < 0) m.sharedClass = a === -1 ? 'shared-allowed' : 'unclassified';
  });
  return createServiceMatcher(services, shared);
}

function matchServices(
  internal: DependencyGraph['modules'],
  services: Record<string, string[]>,
  shared: string[],
): void {
  const matcher = createServiceMatcher(services, shared);
  // A file owned by two services would silently count for the first one only (issue 14 item 26).
  const owners = matcher.names.map((n) => ({ n, isMatch: picomatch(services[n].map(stripDotSlash), { dot: true }) }));
  for (const m of internal) {
    // One pass over the services' globs per module: the first owner in config order is its service.
    const [first, second] = owners.filter((o) => o.isMatch(m.path)).map((o) => o.n);
    m.service = first ?? null;
    if (m.service === null) m.sharedClass = matcher.isShared(m.path) ? 'shared-allowed' : 'unclassified';
    if (second !== undefined) {
      const message = `${JSON.stringify(m.path)} is also owned by services.${first}: a file belongs to one service`;
      throw new ConfigError(message, `services.${second}`);
    }
  }
  for (const name of matcher.names) {
    services[name].forEach((glob, i) => {
      const isMatch = picomatch(stripDotSlash(glob), { dot: true });
      if (!internal.some((m) => isMatch(m.path))) {
        throw new ConfigError(`glob ${JSON.stringify(glob)} matches no source file`, `services.${name}[${i}]`);
      }
    });
  }
  shared.forEach((glob, i) => {
    const isMatch = picomatch(stripDotSlash(glob), { dot: true });
    if (!internal.some((m) => isMatch(m.path)))
      throw new ConfigError(`glob ${JSON.stringify(glob)} matches no source file`, `shared[${i}]`);
  });
}
