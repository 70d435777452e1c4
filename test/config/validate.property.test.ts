import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { ConfigError } from '../../src/core/errors.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';

/**
 * The bad-config corpus of issue 14, generated: every key of a complete valid config is broken in turn (a value no
 * schema accepts, or a one-letter typo in its name), and each must give exit 2 with one line naming that exact key.
 */

type Path = Array<string | number>;

const valid = () => ({
  name: 'shop',
  root: '.',
  services: { orders: 'services/orders/**', billing: ['services/billing/**'], gateway: 'services/gateway/**' },
  shared: ['packages/contracts/**'],
  allowedDependencies: [{ from: 'gateway', to: '*' }],
  static: {
    engine: 'native',
    tsconfig: 'tsconfig.json',
    include: ['services/**'],
    exclude: ['**/*.test.ts'],
    countTypeOnly: false,
    rules: { forbidden: [{ name: 'no-ui-to-db', severity: 'warn', from: { path: '^ui' }, to: { pathNot: ['^ui'] } }] },
    detectors: { sharedTables: true, circuitBreakers: { clients: ['fetch'] }, rateLimits: false },
  },
  load: {
    baseUrl: 'http://127.0.0.1:3000',
    engine: 'native',
    thresholds: {
      http_req_duration: ['p(99)<200', { threshold: 'p(95)<100', abortOnFail: true, delayAbortEval: '10s' }],
    },
    scenarios: {
      browse: {
        executor: 'constant-arrival-rate',
        rate: 50,
        timeUnit: '1s',
        duration: '30s',
        preAllocatedVUs: 10,
        maxVUs: 50,
        arrival: 'poisson',
        tags: { team: 'shop' },
        data: [{ id: 1, term: 'a' }],
        requests: [
          {
            name: 'list',
            method: 'GET',
            path: '/api/items/${data.id}',
            weight: 3,
            headers: { accept: 'application/json' },
            checks: [{ name: 'ok', status: [200, 304], jsonPath: 'success', contains: 'items' }],
            capture: { first: 'items.0.id' },
            expectedStatuses: [200, { min: 300, max: 399 }],
          },
        ],
      },
      ramp: {
        executor: 'ramping-vus',
        startVUs: 1,
        stages: [{ duration: '10s', target: 5 }],
        requests: [{ path: '/' }],
      },
    },
    run: ['browse'],
    allowDroppedIterations: false,
    keepSamples: true,
  },
  scale: { mode: 'concurrency', steps: [1, 2, 4], targetN: 2, repeats: 3, duration: '10s', maxErrorRate: 0.01 },
  fitness: {
    serviceCoupling: { target: '< 2', adr: 'ADR-002', severity: 'critical' },
    p99Latency: false,
    custom: { metric: 'Services', target: '<= 12', current: 3, needs: ['static'], test: () => 3 },
  },
  checks: ['static', 'load'],
  reporters: ['console', 'junit'],
  outDir: 'out',
  baseline: 'baseline.json',
  history: { enabled: true, file: 'h.sqlite' },
  failOn: ['fail', 'inconclusive'],
});

/** Every key path of the config (objects and arrays, leaves included), except values typed `unknown`. */
function keyPaths(value: unknown, at: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...at, k], ...keyPaths(v, [...at, k])]);
}

function get(obj: unknown, path: Path): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], obj);
}

function setAt(obj: unknown, path: Path, value: unknown): void {
  (get(obj, path.slice(0, -1)) as Record<string | number, unknown>)[path.at(-1)!] = value;
}

/** `load.scenarios.browse.requests[0].path`, written independently of the validator's formatter. */
const keyPath = (path: Path) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

function messageOf(cfg: unknown): string {
  try {
    validateConfig(cfg, BUILTIN_IDS);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('the broken config was accepted');
}

const paths = keyPaths(valid());
// Record keys are names the user chooses, so a typo there is a different name, not an unknown key.
const RECORDS = new Set(['services', 'scenarios', 'thresholds', 'fitness', 'headers', 'capture', 'tags']);
// Keys of strict objects (not of records, whose keys are the user's names), long enough for a one-letter typo to
// stay recognisable.
const strictKeys = paths.filter((p) => {
  const [last, parent] = [p.at(-1), p.at(-2)];
  return typeof last === 'string' && last.length >= 5 && !RECORDS.has(String(parent));
});
const counts = { wrongValue: 0, typo: 0 };
afterAll(() => {
  console.log(
    `config corpus: ${counts.wrongValue} wrong values (${paths.length} key paths) and ${counts.typo} misspelt keys ` +
      `(${strictKeys.length} keys) tried`,
  );
});

describe('config validation corpus (property-based)', () => {
  it('the valid config is valid', () => {
    expect(() => validateConfig(valid(), BUILTIN_IDS)).not.toThrow();
  });

  it('a value no schema accepts, at every key path, is named at that path in one line', () => {
    for (const path of paths) {
      for (const value of [null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        counts.wrongValue++;
        const cfg = valid();
        setAt(cfg, path, value);
        const message = messageOf(cfg);
        expect(message).not.toContain('\n');
        expect(
          message.startsWith(`config ${keyPath(path)}: `),
          `${String(value)} at ${keyPath(path)}: ${message}`,
        ).toBe(true);
      }
    }
  });

  it('a misspelt key gets "unknown key" at its path and the right "did you mean"', () => {
    fc.assert(
      fc.property(fc.constantFrom(...strictKeys), fc.nat(), (path, cut) => {
        counts.typo++;
        const key = String(path.at(-1));
        const i = cut % key.length;
        const typo = key.slice(0, i) + key.slice(i + 1);
        const cfg = valid();
        const parent = get(cfg, path.slice(0, -1)) as Record<string, unknown>;
        if (typo in parent) return; // the deletion made another valid key (none today, but do not guess)
        parent[typo] = parent[key];
        delete parent[key];
        const message = messageOf(cfg);
        expect(message).toMatch(new RegExp(`^config ${escape(keyPath([...path.slice(0, -1), typo]))}: unknown key`));
        expect(message).toContain(`(did you mean '${key}'?)`);
      }),
      { numRuns: 300 },
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
