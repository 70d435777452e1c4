import fs from 'node:fs';
import path from 'node:path';
import type { DependencyGraph, GraphEdge, ServiceEdge, ServiceMetrics } from '../core/result-static.js';
import type { ExportedDeclarations } from './import-extraction.js';
import {
  abstractnessOf,
  distanceOf,
  instabilityOf,
  isInternalEdge,
  isValueEdge,
  sumExported,
} from './martin-metrics.js';
import type { ServiceMatcher } from './service-map.js';
import type { WorkspacePackage } from './workspace-packages.js';

/** A package.json dependency of one service's package on another service's package. */
export interface PackageDependency {
  fromService: string;
  toService: string;
  fromPackage: string;
  toPackage: string;
  /** package.json path relative to root, and the line of the dependency key. */
  file: string;
  line: number;
}

/** One import from one service into another (a counted edge that the config does not allow). */
export interface CrossServiceImport {
  edge: GraphEdge;
  fromService: string;
  toService: string;
}

function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === name;
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return re.test(name);
}

export function isAllowed(allowed: Array<{ from: string; to: string }>, from: string, to: string): boolean {
  return allowed.some((a) => wildcardMatch(a.from, from) && wildcardMatch(a.to, to));
}

/** The service of each workspace package (by its package.json path) and its runtime deps on other services' ones. */
export function packageDependencies(
  root: string,
  packages: WorkspacePackage[],
  matcher: ServiceMatcher,
): PackageDependency[] {
  const serviceOfPkg = new Map<string, string>();
  for (const p of packages) {
    const rel = path.relative(root, path.join(p.dir, 'package.json')).split(path.sep).join('/');
    const s = matcher.serviceOf(rel) ?? matcher.serviceOf(rel.replace(/package\.json$/, 'index.ts'));
    if (s) serviceOfPkg.set(p.name, s);
  }
  const out: PackageDependency[] = [];
  for (const p of packages) {
    const from = serviceOfPkg.get(p.name);
    if (!from) continue;
    const file = path.join(p.dir, 'package.json');
    const relFile = path.relative(root, file).split(path.sep).join('/');
    let lines: string[] = [];
    for (const dep of p.runtimeDependencies) {
      const to = serviceOfPkg.get(dep);
      if (!to || to === from) continue;
      if (lines.length === 0) lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
      const idx = lines.findIndex(
        (l) => l.includes(JSON.stringify(dep) + ':') || l.includes(JSON.stringify(dep) + ' :'),
      );
      out.push({ fromService: from, toService: to, fromPackage: p.name, toPackage: dep, file: relFile, line: idx + 1 });
    }
  }
  return out;
}

export interface ServiceAnalysis {
  services: ServiceMetrics[];
  serviceEdges: ServiceEdge[];
  /** Counted, not allowed imports between services, sorted by file and line. */
  crossServiceImports: CrossServiceImport[];
  /** Counted, not allowed package.json dependencies between service packages. */
  packageViolations: PackageDependency[];
}

/**
 * Service-level coupling. Ca of a service = distinct modules of OTHER services that depend on one of its modules
 * (Martin's "classes outside the category that depend on classes within it", restricted to services: shared modules
 * and composition roots do not count); Ce = distinct modules of the service that depend on another service.
 * Only counted edge kinds (value kinds unless countTypeOnly) and only dependencies the config does not allow.
 */
export function analyseServices(
  graph: DependencyGraph,
  matcher: ServiceMatcher,
  exported: Map<string, ExportedDeclarations>,
  options: { countTypeOnly: boolean; allowed: Array<{ from: string; to: string }>; packageDeps: PackageDependency[] },
): ServiceAnalysis {
  const serviceOf = new Map<string, string | null>();
  const modulesOf = new Map<string, string[]>(matcher.names.map((n) => [n, []]));
  for (const m of graph.modules) {
    if (m.external) continue;
    serviceOf.set(m.path, m.service);
    if (m.service) modulesOf.get(m.service)!.push(m.path);
  }
  const caModules = new Map<string, Set<string>>(matcher.names.map((n) => [n, new Set()]));
  const ceModules = new Map<string, Set<string>>(matcher.names.map((n) => [n, new Set()]));
  const fanIn = new Map<string, Set<string>>(matcher.names.map((n) => [n, new Set()]));
  const fanOut = new Map<string, Set<string>>(matcher.names.map((n) => [n, new Set()]));
  const dependsOn = new Map<string, Set<string>>(matcher.names.map((n) => [n, new Set()]));
  const pairs = new Map<string, ServiceEdge>();
  const cross: CrossServiceImport[] = [];
  const counts = (e: GraphEdge) => options.countTypeOnly || isValueEdge(e.kind);

  for (const e of graph.edges) {
    if (!isInternalEdge(e)) continue;
    const a = serviceOf.get(e.from);
    const b = serviceOf.get(e.to);
    if (!a || !b || a === b) continue;
    const key = `${a}\u0000${b}`;
    let se = pairs.get(key);
    if (!se) pairs.set(key, (se = { from: a, to: b, valueEdges: 0, typeEdges: 0, violating: false }));
    if (isValueEdge(e.kind)) se.valueEdges++;
    else se.typeEdges++;
    if (!counts(e) || isAllowed(options.allowed, a, b)) continue;
    se.violating = true;
    cross.push({ edge: e, fromService: a, toService: b });
    caModules.get(b)!.add(e.from);
    ceModules.get(a)!.add(e.from);
    fanIn.get(b)!.add(`${e.from}\u0000${e.to}`);
    fanOut.get(a)!.add(`${e.from}\u0000${e.to}`);
    dependsOn.get(a)!.add(b);
  }
  const packageViolations = options.packageDeps.filter((d) => !isAllowed(options.allowed, d.fromService, d.toService));
  for (const d of packageViolations) {
    dependsOn.get(d.fromService)!.add(d.toService);
    const key = `${d.fromService}\u0000${d.toService}`;
    let se = pairs.get(key);
    if (!se)
      pairs.set(key, (se = { from: d.fromService, to: d.toService, valueEdges: 0, typeEdges: 0, violating: false }));
    se.violating = true;
  }
  const dependedOnBy = new Map<string, Set<string>>(matcher.names.map((n) => [n, new Set()]));
  for (const [a, set] of dependsOn) for (const b of set) dependedOnBy.get(b)!.add(a);

  const services: ServiceMetrics[] = matcher.names.map((name) => {
    const ca = caModules.get(name)!.size;
    const ce = ceModules.get(name)!.size;
    const i = instabilityOf(ca, ce);
    const abs = abstractnessOf(sumExported(modulesOf.get(name)!, exported));
    return {
      name,
      modules: modulesOf.get(name)!.length,
      ca,
      ce,
      instability: i,
      abstractness: abs,
      distance: distanceOf(abs, i),
      fanIn: fanIn.get(name)!.size,
      fanOut: fanOut.get(name)!.size,
      dependsOn: [...dependsOn.get(name)!].sort(),
      dependedOnBy: [...dependedOnBy.get(name)!].sort(),
      autonomous: dependsOn.get(name)!.size === 0,
    };
  });
  cross.sort(
    (x, y) => x.edge.from.localeCompare(y.edge.from) || x.edge.line - y.edge.line || x.edge.to.localeCompare(y.edge.to),
  );
  const serviceEdges = [...pairs.values()].sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
  return { services, serviceEdges, crossServiceImports: cross, packageViolations };
}
