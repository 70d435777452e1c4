import type { Finding } from '../../core/result.js';
import { fingerprintOf } from '../fingerprint.js';
import type { DetectedFile } from './detector-input.js';

export const DEFAULT_CLIENTS = [
  'fetch',
  'axios',
  'axios.*',
  'got',
  'got.*',
  'undici.request',
  'undici.fetch',
  'request',
  'http.request',
  'http.get',
  'https.request',
  'https.get',
  'redis.*',
  'pool.query',
  'pg.query',
];
/** Default wrapper names: any call whose name mentions a breaker or a circuit, e.g. `breaker.fire(...)`. */
export const DEFAULT_WRAPPERS = ['*breaker*', '*circuit*'];

export interface UnprotectedCall {
  /** Service of the file, or null outside every service. */
  service: string | null;
  file: string;
  line: number;
  callee: string;
}

export function patternToRegex(p: string): RegExp {
  return new RegExp(
    '^' +
      p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    'i',
  );
}

/** Matches text that may call one of `clients` (by each pattern's first word: `redis.*` -> `redis.` / `redis(`). */
export function clientCallPrefilter(clients: string[]): RegExp {
  const words = [...new Set(clients.map((c) => c.split('.')[0].replaceAll('*', '')).filter(Boolean))];
  if (words.length === 0) return /$^/;
  return new RegExp(`\\b(?:${words.map((w) => w.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s*[.(]`);
}

/** External calls (HTTP, DB, cache clients) that are not made inside a circuit-breaker wrapper call. */
export function detectUnprotectedCalls(files: DetectedFile[]): { calls: UnprotectedCall[]; findings: Finding[] } {
  const calls: UnprotectedCall[] = [];
  const findings: Finding[] = [];
  for (const { file, service, facts } of files) {
    const occurrence = new Map<string, number>();
    for (const { callee, line } of facts.unprotectedCalls) {
      const n = (occurrence.get(callee) ?? 0) + 1;
      occurrence.set(callee, n);
      calls.push({ service, file, line, callee });
      findings.push({
        rule: 'no-circuit-breaker',
        severity: 'medium',
        title: `External call ${callee}() without a circuit breaker`,
        message: `${file}:${line} ${callee}() ${service ? `in service ${service} ` : ''}is not wrapped in a circuit breaker`,
        ...(service ? { service } : {}),
        locations: [{ file, line }],
        fingerprint: fingerprintOf('no-circuit-breaker', file, callee, String(n)),
      });
    }
  }
  return { calls, findings };
}
