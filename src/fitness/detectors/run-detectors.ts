import type { StaticConfig } from '../../config/types.js';
import type { Finding } from '../../core/result.js';
import type { DependencyGraph } from '../../core/result-static.js';
import { createHash } from 'node:crypto';
import type { ServiceMatcher } from '../service-map.js';
import { cachedByStructure } from '../structure-key.js';
import {
  clientCallPrefilter,
  DEFAULT_CLIENTS,
  DEFAULT_WRAPPERS,
  detectUnprotectedCalls,
  patternToRegex,
} from './circuit-breakers.js';
import { DetectorCache } from './detector-cache.js';
import type { DetectedFile } from './detector-input.js';
import { fileFacts, type FactOptions } from './file-facts.js';
import { detectMixedResponsibilities } from './mixed-responsibilities.js';
import { DEFAULT_RATE_LIMIT_MIDDLEWARE, detectMissingRateLimits } from './rate-limits.js';

type DetectorConfig = NonNullable<StaticConfig['detectors']>;

/**
 * Runs the enabled detectors (all by default) on every module of `graph` (the judged graph: live code unless the
 * config judges all), inside services or not; appends findings, returns summaries. Per-file facts are cached by
 * content hash in `cacheDir`.
 */
export function runDetectors(
  root: string,
  graph: DependencyGraph,
  matcher: ServiceMatcher,
  config: DetectorConfig,
  findings: Finding[],
  io: {
    text: (rel: string) => string;
    hashes?: Map<string, string>;
    cacheDir?: string;
    /** The graph's structure key (structure-key.ts): with it, the detectors' results are cached. */
    structureKey?: string;
  },
): Record<string, unknown> {
  const enabled = ['mixedResponsibilities', 'circuitBreakers', 'rateLimits'] as const;
  if (enabled.every((d) => config[d] === false)) return {};
  const cb = config.circuitBreakers === false ? undefined : config.circuitBreakers;
  const rl = config.rateLimits === false ? undefined : config.rateLimits;
  const names = {
    clients: config.circuitBreakers === false ? [] : (cb?.clients ?? DEFAULT_CLIENTS),
    wrappers: cb?.wrappers ?? DEFAULT_WRAPPERS,
    rateLimitNames: rl?.middleware ?? DEFAULT_RATE_LIMIT_MIDDLEWARE,
  };
  const options: FactOptions = {
    clients: names.clients.map(patternToRegex),
    clientPrefilter: clientCallPrefilter(names.clients),
    wrappers: names.wrappers.map(patternToRegex),
    rateLimitNames: names.rateLimitNames,
  };
  const cache = new DetectorCache(io.cacheDir, { names });
  const files: DetectedFile[] = graph.modules
    .filter((m) => !m.external)
    .map((m) => {
      const facts = cache.facts(m.path, io.hashes?.get(m.path), io.text, (t) =>
        fileFacts(`${root}/${m.path}`, t, options),
      );
      return { file: m.path, service: m.service, facts };
    });
  cache.save();
  // Same facts, graph, services and options: the same results (an edit that changed no fact reuses them).
  const key =
    io.structureKey && cache.factsVersion
      ? createHash('sha1')
          .update(JSON.stringify([cache.factsVersion, io.structureKey, config, matcher.names]))
          .update(files.map((f) => f.service ?? '\0').join('\n'))
          .digest('base64url')
      : undefined;
  const results = cachedByStructure(io.cacheDir, 'detector-results', key, () => {
    const out: Record<string, unknown> = {};
    const found: Finding[] = [];
    if (config.mixedResponsibilities !== false) {
      const r = detectMixedResponsibilities(files, graph, matcher.names);
      out.mixedResponsibilities = r.files;
      found.push(...r.findings);
    }
    if (config.circuitBreakers !== false) {
      const r = detectUnprotectedCalls(files);
      out.unprotectedCalls = r.calls;
      found.push(...r.findings);
    }
    if (config.rateLimits !== false) {
      const r = detectMissingRateLimits(files, graph, config.rateLimits ?? {});
      out.rateLimits = r.statuses;
      found.push(...r.findings);
    }
    return { out, findings: found };
  });
  findings.push(...results.findings);
  return { ...results.out, factCache: { hits: cache.hits, misses: cache.misses } };
}
