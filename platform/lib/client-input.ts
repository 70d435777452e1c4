import { badRequest } from './api-error.js';

/** Deeper JSON than this is refused before parsing (no domain payload nests more than a few levels). */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a JSON text, counting brackets outside string literals, in one pass. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * Refuses text no field of ours can store: NUL characters (PostgreSQL text rejects them) and lone UTF-16 surrogates
 * (not valid Unicode). Walks every string, key included, of a parsed body or query.
 */
export function assertStorableText(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw badRequest(`${where} contains a NUL character`, 'invalid_text');
    if (!wellFormed(value)) throw badRequest(`${where} is not valid Unicode (lone surrogate)`, 'invalid_text');
  } else if (Array.isArray(value)) {
    for (const v of value) assertStorableText(v, where);
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      assertStorableText(k, where);
      assertStorableText(v, `${where}.${k}`);
    }
  }
}

/** Each query parameter at most once: `?q=a&q=b` is ambiguous, so it is a client error rather than a guess. */
export function assertSingleQueryValues(query: unknown): void {
  if (!query || typeof query !== 'object') return;
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) throw badRequest(`query parameter ${k} given more than once`, 'repeated_parameter');
  }
}
