import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/default-config.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { validateConfig } from '../../src/config/validate.js';
import { ConfigError } from '../../src/core/errors.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';

const ok = (cfg: unknown) => validateConfig(cfg, BUILTIN_IDS);
const bad = (cfg: unknown) => {
  try {
    validateConfig(cfg, BUILTIN_IDS);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a ConfigError');
};

const good = {
  name: 'shop',
  services: { orders: 'services/orders/**', billing: ['services/billing/**'], gateway: 'services/gateway/**' },
  shared: ['packages/contracts/**'],
  allowedDependencies: [{ from: 'gateway', to: '*' }],
  static: {
    engine: 'native',
    countTypeOnly: false,
    rules: { forbidden: [{ name: 'no-ui-to-db', from: { path: '^ui' }, to: { path: '^db' } }] },
  },
  load: {
    baseUrl: 'http://127.0.0.1:3000',
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
        requests: [
          {
            name: 'list',
            path: '/api/items',
            weight: 3,
            checks: [{ name: 'ok', status: 200, jsonPath: 'success', equals: true }],
          },
        ],
      },
      ramp: {
        executor: 'ramping-vus',
        stages: [
          { duration: '10s', target: 5 },
          { duration: '1m', target: 0 },
        ],
        requests: [{ path: '/' }],
      },
    },
  },
  scale: { mode: 'concurrency', steps: [1, 2, 4], targetN: 2, duration: '10s', repeats: 3 },
  fitness: {
    serviceCoupling: { target: '< 2', adr: 'ADR-002' },
    p99Latency: false,
    custom: { metric: 'Services', target: '<= 12', needs: ['static'], test: () => 3 },
  },
  reporters: ['console', 'junit'],
  failOn: ['fail', 'inconclusive'],
};

describe('validateConfig', () => {
  it('accepts a complete valid config', () => {
    expect(ok(good)).toBe(good);
  });

  it('accepts an empty object', () => {
    expect(ok({})).toEqual({});
  });

  it.each([
    [{ servces: {} }, "config servces: unknown key (did you mean 'services'?)"],
    [
      { services: { orders: 3 } },
      'config services.orders: must be a glob string or an array of glob strings, got number 3',
    ],
    [{ services: { '9x': 'a/**' } }, 'config services.9x: is not a valid name'],
    [
      { fitness: { serviceCoupling: { target: 'low' } } },
      'config fitness.serviceCoupling.target: invalid target "low"',
    ],
    [
      { fitness: { serviceCoupling: { tagret: '< 3' } } },
      "config fitness.serviceCoupling.tagret: unknown key (did you mean 'target'?)",
    ],
    [{ fitness: { mine: { metric: 'x', target: '< 1' } } }, 'config fitness.mine.test: is required'],
    [
      { fitness: { mine: { metric: 'x', target: '< 1', test: 'return 1' } } },
      'config fitness.mine.test: must be a function',
    ],
    [
      { fitness: { mine: false } },
      "config fitness.mine: 'mine' is not a built-in fitness function, so it cannot be disabled",
    ],
    [{ load: { baseUrl: 'localhost:3000' } }, 'config load.baseUrl: must be an http(s) URL'],
    [
      { load: { scenarios: { a: { executor: 'constant-rate', requests: [{ path: '/' }] } } } },
      'config load.scenarios.a.executor: must be one of "constant-arrival-rate"',
    ],
    [
      { load: { scenarios: { a: { executor: 'constant-vus', duration: '30 seconds', requests: [{ path: '/' }] } } } },
      "config load.scenarios.a.duration: must be a k6 duration like '30s' or '1m30s'",
    ],
    [
      { load: { scenarios: { a: { executor: 'constant-vus', requests: [] } } } },
      'config load.scenarios.a.requests: must have at least 1 item(s)',
    ],
    [
      { load: { scenarios: { a: { executor: 'constant-vus', requests: [{ path: 'api' }] } } } },
      "config load.scenarios.a.requests[0].path: must be a path starting with '/'",
    ],
    [
      { load: { thresholds: { http_req_duration: [42] } } },
      'config load.thresholds.http_req_duration[0]: must be a k6 threshold string',
    ],
    [{ load: { run: ['x'], scenarios: {} } }, "config load.run[0]: names no scenario 'x'"],
    [{ scale: { steps: [1, 4, 2] } }, 'config scale.steps[2]: must be strictly increasing, but 2 follows 4'],
    [{ scale: { steps: [1, 2], targetN: 3 } }, 'config scale.targetN: must be one of scale.steps (1, 2), got 3'],
    [{ scale: { repeats: 0 } }, 'config scale.repeats: must be >= 1, got 0'],
    [{ reporters: ['console', 'pdf'] }, 'config reporters[1]: must be one of'],
    [{ static: { engine: 'madge' } }, 'config static.engine: must be one of "native", "dependency-cruiser"'],
  ])('rejects %j', (cfg, message) => {
    expect(bad(cfg)).toContain(message);
  });

  // Issue 14: each case was accepted, or its message was vague, before.
  it.each([
    // item 25: name the array item, say empty, name the key
    [{ shared: ['src/lib/**', 3] }, 'config shared[1]: must be a non-empty string, got number 3'],
    [{ services: { user: [] } }, 'config services.user: must have at least 1 item(s), got an empty array'],
    [
      { load: { thresholds: { http_req_duration: [{ threshold: 'p(99)<200', abortOnFail: 'yes' }] } } },
      'config load.thresholds.http_req_duration[0].abortOnFail: must be true or false, got the string "yes"',
    ],
    // item 21: threshold expressions are checked whatever the command
    [
      { load: { thresholds: { http_req_duration: ['p99<200'] } } },
      'config load.thresholds.http_req_duration[0]: invalid threshold expression "p99<200"',
    ],
    [
      {
        load: {
          scenarios: {
            a: {
              executor: 'constant-vus',
              requests: [{ path: '/' }],
              thresholds: { http_req_failed: [{ threshold: 'rate<<0.01' }] },
            },
          },
        },
      },
      'config load.scenarios.a.thresholds.http_req_failed[0].threshold: invalid threshold expression "rate<<0.01"',
    ],
    [
      { load: { thresholds: { http_req_duration: ['p(101)<200'] } } },
      'config load.thresholds.http_req_duration[0]: invalid threshold expression "p(101)<200": percentile must be between 0 and 100',
    ],
    [
      { load: { thresholds: { 'http req': ['avg<1'] } } },
      'config load.thresholds.http req: invalid metric name "http req" in thresholds',
    ],
    [
      { load: { thresholds: { 'http_reqs{status}': ['count>1'] } } },
      'config load.thresholds.http_reqs{status}: invalid sub-metric',
    ],
    // item 24: non-finite numbers
    [
      { fitness: { serviceCoupling: { target: '< 1e999' } } },
      'config fitness.serviceCoupling.target: invalid target "< 1e999": the number must be finite',
    ],
    [
      { fitness: { serviceCoupling: { target: Number.POSITIVE_INFINITY } } },
      'config fitness.serviceCoupling.target: target must be a finite number, got Infinity',
    ],
    [
      { fitness: { serviceCoupling: { current: Number.NaN } } },
      'config fitness.serviceCoupling.current: must be a number or a boolean, got number NaN',
    ],
    [
      { scale: { maxErrorRate: Number.POSITIVE_INFINITY } },
      'config scale.maxErrorRate: must be a number, got number Infinity',
    ],
    [{ load: { thresholds: { http_req_duration: ['p(99)<1e999'] } } }, 'the number must be finite'],
    // item 26: allowedDependencies name configured services
    [
      { services: { gateway: 'g/**', user: 'u/**' }, allowedDependencies: [{ from: 'gatway', to: '*' }] },
      "config allowedDependencies[0].from: names no service 'gatway' (did you mean 'gateway'?); services: gateway, user",
    ],
    [
      { services: { gateway: 'g/**' }, allowedDependencies: [{ from: 'gateway', to: 'pay*' }] },
      "config allowedDependencies[0].to: names no service 'pay*'; services: gateway",
    ],
    [
      { allowedDependencies: [{ from: 'a', to: 'b' }] },
      "config allowedDependencies[0].from: names no service 'a'; services: none",
    ],
    // typos deep down still get their did-you-mean
    [
      { load: { scenarios: { a: { executor: 'constant-vus', requests: [{ path: '/', wieght: 2 }] } } } },
      "config load.scenarios.a.requests[0].wieght: unknown key (did you mean 'weight'?); allowed: name, group, weight",
    ],
    [
      { fitness: { mine: { metric: 'm', target: '< 1', test: () => 1, needs: ['static', 'db'] } } },
      'config fitness.mine.needs[1]: must be one of "static", "load", "scale"',
    ],
    [
      { fitness: { 'my fn': { metric: 'm', target: '< 1', test: () => 1 } } },
      'config fitness.my fn: is not a valid fitness function id',
    ],
    [
      { load: { scenarios: { 'a b': { executor: 'constant-vus', requests: [{ path: '/' }] } } } },
      'config load.scenarios.a b: is not a valid name (letters, digits, _ and -)',
    ],
  ])('rejects %j (issue 14)', (cfg, message) => {
    expect(bad(cfg)).toContain(message);
  });

  it('accepts wildcards that match a service and every valid threshold form', () => {
    const cfg = {
      services: { gateway: 'g/**', payments: 'p/**', payouts: 'q/**' },
      allowedDependencies: [
        { from: 'gateway', to: '*' },
        { from: 'pay*', to: 'payouts' },
      ],
      load: {
        thresholds: {
          http_req_duration: ['p(99.9)<200', 'avg < 100', 'med<=50', 'max<1e3'],
          'http_req_failed{group:::browse,method:GET}': [
            'rate<0.01',
            { threshold: 'rate==0', abortOnFail: true, delayAbortEval: '5s' },
          ],
          checks: ['rate>=0.99'],
          iterations: ['count>10'],
          vus: ['value===1'],
        },
      },
    };
    expect(ok(cfg)).toBe(cfg);
  });

  it("the bundled platform's embedded default and the project's own self config validate", async () => {
    expect(() => ok(defaultConfig())).not.toThrow();
    const self = await loadConfigFile(
      path.resolve(import.meta.dirname, '../../pitchey-fit.self.config.ts'),
      BUILTIN_IDS,
    );
    expect(Object.keys(self.config.services ?? {})).toEqual(['user', 'pitch', 'nda', 'notification', 'media']);
  });

  it('rejects a non-object export', () => {
    expect(bad(null)).toMatch(/must export an object/);
    expect(bad([])).toMatch(/must export an object/);
  });
});
