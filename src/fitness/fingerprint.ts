import crypto from 'node:crypto';

/** A stable identity from the parts that define a violation (never line numbers), so baselines survive line shifts. */
export function fingerprintOf(rule: string, ...parts: string[]): string {
  return `${rule}:${crypto
    .createHash('sha1')
    .update([rule, ...parts].join('\u0000'))
    .digest('hex')
    .slice(0, 16)}`;
}
