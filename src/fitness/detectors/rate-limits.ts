import type { Finding } from '../../core/result.js';
import type { DependencyGraph } from '../../core/result-static.js';
import { fingerprintOf } from '../fingerprint.js';
import type { DetectorFiles } from './detector-files.js';

export const DEFAULT_RATE_LIMIT_MIDDLEWARE = ['rateLimit', 'rate-limit', 'rateLimiter', 'RateLimiter', 'express-rate-limit', '@fastify/rate-limit', 'hono-rate-limiter', 'tokenBucket'];

/** An HTTP entry: the file creates a server/app or registers routes. */
const HTTP_ENTRY_RE = /\b(?:fastify|express|Fastify|new\s+Hono|new\s+Koa|createServer|Router)\s*\(|\.(?:get|post|put|patch|delete|route)\s*(?:<[^()]*?>)?\s*\(\s*['"`]\//;

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
  files: DetectorFiles,
  graph: DependencyGraph,
  serviceFiles: Array<{ file: string; service: string }>,
  options: { middleware?: string[] },
): { statuses: RateLimitStatus[]; findings: Finding[] } {
  const names = options.middleware ?? DEFAULT_RATE_LIMIT_MIDDLEWARE;
  const mentions = (text: string) => names.some((n) => text.includes(n));
  const byService = new Map<string, string[]>();
  for (const { file, service } of serviceFiles) {
    let l = byService.get(service);
    if (!l) byService.set(service, (l = []));
    l.push(file);
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
    const sorted = [...list].sort();
    const httpEntry = sorted.find((f) => HTTP_ENTRY_RE.test(files.text(f) ?? '')) ?? null;
    let evidence: string | undefined;
    for (const f of sorted) {
      if (mentions(files.text(f) ?? '')) { evidence = f; break; }
      const imp = (importsOf.get(f) ?? []).find((i) => mentions(i.specifier) || mentions(i.to));
      if (imp) { evidence = `${f} -> ${imp.to}`; break; }
    }
    const status: RateLimitStatus = { service, httpEntry, rateLimited: !!evidence, ...(evidence ? { evidence } : {}) };
    statuses.push(status);
    if (httpEntry && !evidence) {
      findings.push({
        rule: 'no-rate-limit',
        severity: 'medium',
        title: `Service ${service} has no rate-limiting middleware on its HTTP entry`,
        message: `${httpEntry} serves HTTP but neither the service nor the modules it imports reference ${names.slice(0, 3).join(' / ')}`,
        service,
        locations: [{ file: httpEntry }],
        fingerprint: fingerprintOf('no-rate-limit', service),
      });
    }
  }
  return { statuses, findings };
}
