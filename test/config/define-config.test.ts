import { describe, expect, it } from 'vitest';
import { defineConfig, type PitcheyFitConfig } from '../../src/index.js';
import { validateConfig } from '../../src/config/validate.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';

// The types are inferred from the zod schema; this file only compiles if a config written as users write it still
// type-checks (tsc runs over test/): `ctx` of a custom test is contextually typed, overrides are partial.
const config: PitcheyFitConfig = defineConfig({
  services: { orders: 'services/orders/**', gateway: ['services/gateway/**'] },
  allowedDependencies: [{ from: 'gateway', to: '*' }],
  fitness: {
    serviceAutonomy: { target: 100, current: 75, adr: 'ADR-001' },
    p99Latency: false,
    maxServices: {
      metric: 'Services',
      target: '<= 12',
      needs: ['static'],
      test: (ctx) => ctx.static?.services.length ?? 0,
    },
  },
  load: { scenarios: { browse: { executor: 'constant-vus', vus: 2, duration: '5s', requests: [{ path: '/' }] } } },
});

describe('defineConfig', () => {
  it('returns the object it is given, which validates', () => {
    expect(validateConfig(config, BUILTIN_IDS)).toBe(config);
    const custom = config.fitness?.maxServices;
    expect(custom !== false && typeof custom?.test).toBe('function');
  });
});
