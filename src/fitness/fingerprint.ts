import crypto from 'node:crypto';

/** A stable identity from the parts that define a violation (never line numbers), so baselines survive line shifts. */
export function fingerprintOf(rule: string, ...parts: string[]): string {
  // crypto.hash: one call, no Hash object (a 10k-module graph can have thousands of findings).
  return `${rule}:${crypto.hash('sha1', [rule, ...parts].join('\u0000'), 'hex').slice(0, 16)}`;
}
