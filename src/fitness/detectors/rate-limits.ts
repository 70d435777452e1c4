import type { Finding } from '../../core/result.js';
import type { DependencyGraph } from '../../core/result-static.js';
import { fingerprintOf } from '../fingerprint.js';
import { NO_SERVICE, type DetectedFile } from './detector-input.js';

export const DEFAULT_RATE_LIMIT_MIDDLEWARE = [
  'rateLimit',
  'rate-limit',
  'rateLimiter',
  'RateLimiter',
  'express-rate-limit',
  '@fastify/rate-limit',
  'hono-rate-limiter',
  'tokenBucket',
];

export interface RateLimitStatus {
  service: string;
  httpEntry: string | null;
  rateLimited: boolean;
  /** Where the middleware was seen (a file of the service, or a module it imports). */
  evidence?: string;
}

/**
 * Services that expose HTTP routes but never reference a rate-limiting middleware: not by name in their own files, and
 * not by importing a module whose specifier or path names it (e.g. `../lib/rate-limit.js`).
 */
export function detectMissingRateLimits(
  files: DetectedFile[],
  graph: DependencyGraph,
  options: { middleware?: string[] },
): { statuses: RateLimitStatus[]; findings: Finding[] } {
  const names = options.middleware ?? DEFAULT_RATE_LIMIT_MIDDLEWARE;
  const mentions = (text: string) => names.some((n) => text.includes(n));
  const byService = new Map<string, DetectedFile[]>();
  for (const f of files) {
    const owner = f.service ?? NO_SERVICE;
    let l = byService.get(owner);
    if (!l) byService.set(owner, (l = []));
    l.push(f);
  }
  const importsOf = new Map<string, Array<{ to: string; specifier: string }>>();
  for (const e of graph.edges) {
    let l = importsOf.get(e.from);
    if (!l) importsOf.set(e.from, (l = []));
    l.push({ to: e.to, specifier: e.specifier });
  }
  const statuses: RateLimitStatus[] = [];
  const findings: Finding[] = [];
  for (const [service, list] of [...byService.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...list].sort((a, b) => a.file.localeCompare(b.file));
    const httpEntry = sorted.find((f) => f.facts.httpEntry)?.file ?? null;
    let evidence: string | undefined;
    for (const { file, facts } of sorted) {
      if (facts.rateLimitMentions) {
        evidence = file;
        break;
      }
      const imp = (importsOf.get(file) ?? []).find((i) => mentions(i.specifier) || mentions(i.to));
      if (imp) {
        evidence = `${file} -> ${imp.to}`;
        break;
      }
    }
    // Code outside every service is judged only where it serves HTTP (the monolith's entry).
    if (service === NO_SERVICE && !httpEntry) continue;
    const status: RateLimitStatus = { service, httpEntry, rateLimited: !!evidence, ...(evidence ? { evidence } : {}) };
    statuses.push(status);
    if (httpEntry && !evidence) {
      findings.push({
        rule: 'no-rate-limit',
        severity: 'medium',
        title:
          service === NO_SERVICE
            ? 'Code outside every service serves HTTP without rate-limiting middleware'
            : `Service ${service} has no rate-limiting middleware on its HTTP entry`,
        message: `${httpEntry} serves HTTP but neither the service nor the modules it imports reference ${names.slice(0, 3).join(' / ')}`,
        ...(service === NO_SERVICE ? {} : { service }),
        locations: [{ file: httpEntry }],
        fingerprint: fingerprintOf('no-rate-limit', service),
      });
    }
  }
  return { statuses, findings };
}
