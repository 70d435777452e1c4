import type { Node as MorphNode } from 'ts-morph';
import type { Finding } from '../../core/result.js';
import { fingerprintOf } from '../fingerprint.js';
import type { DetectorFiles } from './detector-files.js';

export const DEFAULT_CLIENTS = [
  'fetch', 'axios', 'axios.*', 'got', 'got.*', 'undici.request', 'undici.fetch', 'request',
  'http.request', 'http.get', 'https.request', 'https.get', 'redis.*', 'pool.query', 'pg.query',
];
/** Default wrapper names: any call whose name mentions a breaker or a circuit, e.g. `breaker.fire(...)`. */
export const DEFAULT_WRAPPERS = ['*breaker*', '*circuit*'];

export interface UnprotectedCall {
  service: string;
  file: string;
  line: number;
  callee: string;
}

function patternToRegex(p: string): RegExp {
  return new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
}

/** `this.redis.get` matches `redis.*` and `redis.get`: patterns match the whole callee or any dotted suffix of it. */
function calleeMatches(res: RegExp[], callee: string): boolean {
  const parts = callee.split('.');
  for (let i = 0; i < parts.length; i++) {
    const suffix = parts.slice(i).join('.');
    if (res.some((r) => r.test(suffix))) return true;
  }
  return false;
}

function calleeText(node: MorphNode): string {
  return node.getText().replace(/\?\./g, '.').replace(/\s+/g, '').replace(/^this\./, '');
}

/** Cheap pre-filter: only files that call something named like a client are opened with ts-morph. */
export function clientCallPrefilter(clients: string[] | undefined): RegExp {
  const firstWords = [...new Set((clients ?? DEFAULT_CLIENTS).map((c) => c.split('.')[0].replaceAll('*', '')).filter(Boolean))];
  return new RegExp(`\\b(?:${firstWords.map((w) => w.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s*[.(]`);
}

/** External calls (HTTP, DB, cache clients) that are not made inside a circuit-breaker wrapper call. */
export function detectUnprotectedCalls(
  files: DetectorFiles,
  serviceFiles: Array<{ file: string; service: string }>,
  options: { clients?: string[]; wrappers?: string[] },
): { calls: UnprotectedCall[]; findings: Finding[] } {
  const clients = (options.clients ?? DEFAULT_CLIENTS).map(patternToRegex);
  const wrappers = (options.wrappers ?? DEFAULT_WRAPPERS).map(patternToRegex);
  const prefilter = clientCallPrefilter(options.clients);
  const calls: UnprotectedCall[] = [];
  const findings: Finding[] = [];
  for (const { file, service } of serviceFiles) {
    const text = files.text(file);
    if (!text || !prefilter.test(text)) continue;
    const { Node } = files.morph;
    const sf = files.sourceFile(file);
    if (!sf) continue;
    const occurrence = new Map<string, number>();
    sf.forEachDescendant((node) => {
      if (!Node.isCallExpression(node)) return;
      const expr = node.getExpression();
      if (!Node.isIdentifier(expr) && !Node.isPropertyAccessExpression(expr)) return;
      const callee = calleeText(expr);
      if (!calleeMatches(clients, callee)) return;
      let wrapped = false;
      for (let a: MorphNode | undefined = node.getParent(); a && !wrapped; a = a.getParent()) {
        if (Node.isCallExpression(a) || Node.isNewExpression(a)) {
          const ae = a.getExpression();
          if ((Node.isIdentifier(ae) || Node.isPropertyAccessExpression(ae)) && calleeMatches(wrappers, calleeText(ae))) wrapped = true;
        }
      }
      if (wrapped) return;
      const n = (occurrence.get(callee) ?? 0) + 1;
      occurrence.set(callee, n);
      const line = node.getStartLineNumber();
      calls.push({ service, file, line, callee });
      findings.push({
        rule: 'no-circuit-breaker',
        severity: 'medium',
        title: `External call ${callee}() without a circuit breaker`,
        message: `${file}:${line} ${callee}() in service ${service} is not wrapped in a circuit breaker`,
        service,
        locations: [{ file, line }],
        fingerprint: fingerprintOf('no-circuit-breaker', file, callee, String(n)),
      });
    });
  }
  return { calls, findings };
}
