import type { StaticConfig } from '../../config/types.js';
import type { Finding } from '../../core/result.js';
import type { DependencyGraph } from '../../core/result-static.js';
import type { ServiceMatcher } from '../service-map.js';
import { clientCallPrefilter, detectUnprotectedCalls } from './circuit-breakers.js';
import { DetectorFiles } from './detector-files.js';
import { detectMixedResponsibilities } from './mixed-responsibilities.js';
import { detectMissingRateLimits } from './rate-limits.js';
import { detectSharedTables, mayReferenceTables } from './shared-tables.js';

/** Runs the enabled detectors (all by default) on the services' files; appends findings, returns summaries. */
export async function runDetectors(
  root: string,
  graph: DependencyGraph,
  matcher: ServiceMatcher,
  config: NonNullable<StaticConfig['detectors']>,
  findings: Finding[],
  knownTexts?: Map<string, string>,
): Promise<Record<string, unknown>> {
  const files = new DetectorFiles(root, knownTexts);
  const serviceFiles = graph.modules
    .filter((m) => !m.external && m.service !== null)
    .map((m) => ({ file: m.path, service: m.service! }));
  const out: Record<string, unknown> = {};
  const cb = config.circuitBreakers === false ? undefined : clientCallPrefilter(config.circuitBreakers?.clients);
  const needsAst = serviceFiles.some(({ file }) => {
    const t = files.text(file) ?? '';
    return (config.sharedTables !== false && mayReferenceTables(t)) || (cb !== undefined && cb.test(t));
  });
  if (needsAst) await files.loadMorph();
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
