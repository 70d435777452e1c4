import { describe, expect, it } from 'vitest';
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
  services: { orders: 'services/orders/**', billing: ['services/billing/**'] },
  shared: ['packages/contracts/**'],
  allowedDependencies: [{ from: 'gateway', to: '*' }],
  static: { engine: 'native', countTypeOnly: false, rules: { forbidden: [{ name: 'no-ui-to-db', from: { path: '^ui' }, to: { path: '^db' } }] } },
  load: {
    baseUrl: 'http://127.0.0.1:3000',
    thresholds: { http_req_duration: ['p(99)<200', { threshold: 'p(95)<100', abortOnFail: true, delayAbortEval: '10s' }] },
    scenarios: {
      browse: {
        executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '30s', preAllocatedVUs: 10, maxVUs: 50,
        arrival: 'poisson',
        requests: [{ name: 'list', path: '/api/items', weight: 3, checks: [{ name: 'ok', status: 200, jsonPath: 'success', equals: true }] }],
      },
      ramp: { executor: 'ramping-vus', stages: [{ duration: '10s', target: 5 }, { duration: '1m', target: 0 }], requests: [{ path: '/' }] },
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
    [{ services: { orders: 3 } }, 'config services.orders: must be a glob string or an array of glob strings, got number 3'],
    [{ services: { '9x': 'a/**' } }, 'config services.9x: is not a valid name'],
    [{ fitness: { serviceCoupling: { target: 'low' } } }, 'config fitness.serviceCoupling.target: invalid target "low"'],
    [{ fitness: { serviceCoupling: { tagret: '< 3' } } }, "config fitness.serviceCoupling.tagret: unknown key (did you mean 'target'?)"],
    [{ fitness: { mine: { metric: 'x', target: '< 1' } } }, 'config fitness.mine.test: is required'],
    [{ fitness: { mine: { metric: 'x', target: '< 1', test: 'return 1' } } }, 'config fitness.mine.test: must be a function'],
    [{ fitness: { mine: false } }, "config fitness.mine: 'mine' is not a built-in fitness function, so it cannot be disabled"],
    [{ load: { baseUrl: 'localhost:3000' } }, 'config load.baseUrl: must be an http(s) URL'],
    [{ load: { scenarios: { a: { executor: 'constant-rate', requests: [{ path: '/' }] } } } }, 'config load.scenarios.a.executor: must be one of "constant-arrival-rate"'],
    [{ load: { scenarios: { a: { executor: 'constant-vus', duration: '30 seconds', requests: [{ path: '/' }] } } } }, "config load.scenarios.a.duration: must be a k6 duration like '30s' or '1m30s'"],
    [{ load: { scenarios: { a: { executor: 'constant-vus', requests: [] } } } }, 'config load.scenarios.a.requests: must have at least 1 item(s)'],
    [{ load: { scenarios: { a: { executor: 'constant-vus', requests: [{ path: 'api' }] } } } }, "config load.scenarios.a.requests[0].path: must be a path starting with '/'"],
    [{ load: { thresholds: { http_req_duration: [42] } } }, 'config load.thresholds.http_req_duration[0]: must be a k6 threshold string'],
    [{ load: { run: ['x'], scenarios: {} } }, "config load.run[0]: names no scenario 'x'"],
    [{ scale: { steps: [1, 4, 2] } }, 'config scale.steps[2]: must be strictly increasing, but 2 follows 4'],
    [{ scale: { steps: [1, 2], targetN: 3 } }, 'config scale.targetN: must be one of scale.steps (1, 2), got 3'],
    [{ scale: { repeats: 0 } }, 'config scale.repeats: must be >= 1, got 0'],
    [{ reporters: ['console', 'pdf'] }, 'config reporters[1]: must be one of'],
    [{ static: { engine: 'madge' } }, 'config static.engine: must be one of "native", "dependency-cruiser"'],
  ])('rejects %j', (cfg, message) => {
    expect(bad(cfg)).toContain(message);
  });

  it('rejects a non-object export', () => {
    expect(bad(null)).toMatch(/must export an object/);
    expect(bad([])).toMatch(/must export an object/);
  });
});
