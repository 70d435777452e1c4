import type { Finding } from '../../core/result.js';
import type { DependencyGraph } from '../../core/result-static.js';
import { fingerprintOf } from '../fingerprint.js';
import { isInternalEdge } from '../martin-metrics.js';
import type { DetectedFile } from './detector-input.js';

export interface MixedResponsibility {
  file: string;
  /** Service of the file, or null outside every service (e.g. the monolith's entry). */
  service: string | null;
  /** Service domains the file touches: its own, those it imports, those its routes name. Sorted. */
  domains: string[];
  importedDomains: string[];
  routeDomains: string[];
}

/** The service a route's first path segment names: `/api/pitches` -> pitch, `/api/ndas` -> nda. */
export function domainOfRouteSegment(segment: string, services: string[]): string | undefined {
  const s = segment.toLowerCase();
  const singular = s.replace(/ies$/, 'y').replace(/s$/, '');
  return services.find((name) => {
    const n = name.toLowerCase();
    return s === n || singular === n || s.startsWith(n) || n.startsWith(singular);
  });
}

/**
 * Files (in a service or not) whose imports or routes span at least `minDomains` service domains (own one included),
 * ranked by the number of domains: the review's "worker file still contains mixed responsibilities".
 */
export function detectMixedResponsibilities(
  files: DetectedFile[],
  graph: DependencyGraph,
  services: string[],
  minDomains = 3,
): { files: MixedResponsibility[]; findings: Finding[] } {
  const serviceOf = new Map(graph.modules.map((m) => [m.path, m.service]));
  const routesOf = new Map(files.map((f) => [f.file, f.facts.routeSegments]));
  const imported = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    if (!isInternalEdge(e)) continue;
    const s = serviceOf.get(e.to);
    if (!s) continue;
    let set = imported.get(e.from);
    if (!set) imported.set(e.from, (set = new Set()));
    set.add(s);
  }
  const out: MixedResponsibility[] = [];
  for (const m of graph.modules) {
    if (m.external) continue;
    // Outside every service only the routes a file registers itself count: a composition root that imports each
    // service's router is not a monolith, an entry that registers every domain's routes is.
    const importedDomains = m.service ? [...(imported.get(m.path) ?? [])].filter((d) => d !== m.service).sort() : [];
    const routeDomains = new Set<string>();
    for (const segment of routesOf.get(m.path) ?? []) {
      const d = domainOfRouteSegment(segment, services);
      if (d && d !== m.service) routeDomains.add(d);
    }
    const own = m.service ? [m.service] : [];
    const domains = [...new Set([...own, ...importedDomains, ...routeDomains])].sort();
    if (domains.length >= minDomains) {
      out.push({ file: m.path, service: m.service, domains, importedDomains, routeDomains: [...routeDomains].sort() });
    }
  }
  out.sort((a, b) => b.domains.length - a.domains.length || a.file.localeCompare(b.file));
  const findings: Finding[] = out.map((r, i) => ({
    rule: 'mixed-responsibilities',
    severity: 'medium',
    title: `${r.file} spans ${r.domains.length} service domains (rank ${i + 1})`,
    message: `${r.file} (${r.service ? `service ${r.service}` : 'no service'}) touches ${r.domains.join(', ')}`,
    ...(r.service ? { service: r.service } : {}),
    locations: [{ file: r.file }],
    fingerprint: fingerprintOf('mixed-responsibilities', r.file),
  }));
  return { files: out, findings };
}
