import type * as z from 'zod';
import { ConfigError } from '../core/errors.js';

/**
 * Turns zod's issues into the one-line, key-path messages pitchey-fit has always printed
 * (`config load.scenarios.browse.executor: must be one of …, got the string "x"`).
 */

/** How a value is named in messages: `number 3`, `the string "x"`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A schema-level message for unions and formats: `must be <what>, got <value>` (or `is required`). */
export const mustBe =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${what}, got ${describeValue(issue.input)}`;

const EXPECTED: Record<string, string> = {
  string: 'a non-empty string',
  boolean: 'true or false',
  number: 'a number',
  int: 'a number',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  function: 'a function',
};

/** The per-parse error map: the message of every issue a schema does not word itself. */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  const input = issue.input;
  if (input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int' && typeof input === 'number' && Number.isFinite(input)) {
        return `must be a whole number, got ${input}`;
      }
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(input)}`;
    case 'too_small':
      if (issue.origin === 'string') return `must be a non-empty string, got ${describeValue(input)}`;
      if (issue.origin === 'array') {
        const got = Array.isArray(input) && input.length === 0 ? ', got an empty array' : '';
        return `must have at least ${String(issue.minimum)} item(s)${got}`;
      }
      return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, got ${String(input)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, got ${String(input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`;
    case 'unrecognized_keys': {
      // The object schema rejecting the key lists what is allowed there.
      const allowed = Object.keys(
        (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape ?? {},
      );
      const hint = closest(issue.keys[0], allowed);
      return `unknown key${hint ? ` (did you mean '${hint}'?)` : ''}; allowed: ${allowed.join(', ')}`;
    }
    default:
      return undefined;
  }
};

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/** `load.scenarios.a.requests[0].path` */
export function formatKeyPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** An issue that only says "this branch of a union is another type", not what is wrong inside the right type. */
function isTypeMismatch(issues: Issue[]): boolean {
  return issues.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
}

/** A required key reported missing beside an unknown key of the same object is most likely that key misspelt. */
function preferTypo(issues: readonly Issue[]): Issue {
  const first = issues[0];
  if (first.message !== 'is required') return first;
  const parent = first.path.slice(0, -1);
  const unknown = issues.find(
    (i) => i.code === 'unrecognized_keys' && i.path.length === parent.length && i.path.every((k, n) => k === parent[n]),
  );
  return unknown ?? first;
}

/**
 * The issue to report: the first one; inside a union whose value has the type of exactly one branch (an array given
 * where "a glob or an array of globs" is expected), the first problem inside that branch — `shared[1]`, not "got an
 * array".
 */
function firstIssue(issues: readonly Issue[], prefix: Path): { issue: Issue; path: Path } {
  const issue = preferTypo(issues);
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const fitting = issue.errors.filter((branch) => branch.length > 0 && !isTypeMismatch(branch));
    if (fitting.length === 1) return firstIssue(fitting[0], path);
  }
  if (issue.code === 'invalid_key') return { issue: issue.issues[0] ?? issue, path };
  return { issue, path };
}

/** The ConfigError for a failed parse: the first problem, one line, with its key path. */
export function configErrorFrom(error: z.core.$ZodError): ConfigError {
  const { issue, path } = firstIssue(error.issues, []);
  // An unknown key is reported at its own path.
  const where = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path;
  return new ConfigError(issue.message, formatKeyPath(where) || undefined);
}

/** The candidate closest to `word` by edit distance, when close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
