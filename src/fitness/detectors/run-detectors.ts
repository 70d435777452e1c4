import type { StaticConfig } from '../../config/types.js';
import type { Finding } from '../../core/result.js';
import type { DependencyGraph } from '../../core/result-static.js';
import type { ServiceMatcher } from '../service-map.js';
import { detectUnprotectedCalls } from './circuit-breakers.js';
import { DetectorFiles } from './detector-files.js';
import { detectMixedResponsibilities } from './mixed-responsibilities.js';
import { detectMissingRateLimits } from './rate-limits.js';
import { detectSharedTables } from './shared-tables.js';

/** Runs the enabled detectors (all by default) on the services' files; appends findings, returns summaries. */
export async function runDetectors(
  root: string,
  graph: DependencyGraph,
  matcher: ServiceMatcher,
  config: NonNullable<StaticConfig['detectors']>,
  findings: Finding[],
): Promise<Record<string, unknown>> {
  const files = new DetectorFiles(root);
  const serviceFiles = graph.modules
    .filter((m) => !m.external && m.service !== null)
    .map((m) => ({ file: m.path, service: m.service! }));
  const out: Record<string, unknown> = {};
  if (config.sharedTables !== false) {
    const r = detectSharedTables(files, serviceFiles);
    out.sharedTables = r.shared;
    findings.push(...r.findings);
  }
  if (config.mixedResponsibilities !== false) {
    const r = detectMixedResponsibilities(files, graph, matcher.names);
    out.mixedResponsibilities = r.files;
    findings.push(...r.findings);
  }
  if (config.circuitBreakers !== false) {
    const r = detectUnprotectedCalls(files, serviceFiles, config.circuitBreakers ?? {});
    out.unprotectedCalls = r.calls;
    findings.push(...r.findings);
  }
  if (config.rateLimits !== false) {
    const r = detectMissingRateLimits(files, graph, serviceFiles, config.rateLimits ?? {});
    out.rateLimits = r.statuses;
    findings.push(...r.findings);
  }
  return out;
}
