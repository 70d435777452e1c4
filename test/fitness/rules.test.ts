import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { judgeFunction } from '../../src/core/judge.js';
import { staticFitnessFunctions } from '../../src/fitness/index.js';
import { collectFixture } from './fixture-config.js';

const off = { sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false } as const;

describe('dependency rules', () => {
  it('evaluates forbidden rules from the config, with file and line', async () => {
    const c = await collectFixture('pitchey-monolith', {
      detectors: off,
      rules: {
        forbidden: [
          {
            name: 'lib-is-a-leaf',
            severity: 'error',
            from: { path: '^src/lib/' },
            to: { path: '^src/(services|contracts)/' },
          },
          {
            name: 'no-worker-sql',
            from: { path: '^src/services/worker/' },
            to: { path: '^src/lib/db\\.ts$', dependencyTypes: ['import'] },
          },
        ],
      },
    });
    const v = c.findings.filter((f) => f.rule.startsWith('rule:'));
    expect(v.map((f) => [f.rule, f.locations[0].file, f.locations[0].line, f.severity])).toEqual([
      ['rule:no-worker-sql', 'src/services/worker/handlers/dashboard.ts', 1, 'medium'],
      ['rule:no-worker-sql', 'src/services/worker/handlers/notifications.ts', 1, 'medium'],
    ]);
    const ctx = { root: c.section.root, static: c.section, graph: c.graph, findings: c.findings };
    const r = await judgeFunction('dependencyRules', staticFitnessFunctions.dependencyRules, ctx);
    expect([r.value, r.verdict]).toEqual([2, 'fail']);
  });

  it('evaluates allowed rules: anything not allowed is a violation', async () => {
    const c = await collectFixture('cycles', {
      rules: { allowed: [{ name: 'only-to-a-b-c', from: {}, to: { path: '^src/(a|b|c)\\.ts$' } }] },
    });
    expect(
      c.findings
        .filter((f) => f.rule === 'rule:not-in-allowed')
        .map((f) => `${f.locations[0].file}:${f.locations[0].line} ${f.message}`),
    ).toEqual([
      "src/self.ts:1 import './self.js' -> src/self.ts",
      "src/x.ts:1 import-type './y.js' -> src/y.ts",
      "src/y.ts:1 import './x.js' -> src/x.ts",
    ]);
  });

  it("loads a user's dependency-cruiser config (forbidden, circular, required)", async () => {
    const c = await collectFixture('pitchey-monolith', {
      detectors: off,
      dependencyCruiserConfig: '.dependency-cruiser.cjs',
    });
    const v = c.findings
      .filter((f) => f.rule.startsWith('rule:'))
      .map((f) => `${f.rule} ${f.locations[0].file}:${f.locations[0].line ?? ''}`)
      .sort();
    expect(v).toEqual([
      'rule:no-value-circular src/services/pitch/pitch-cache.ts:1',
      'rule:no-value-circular src/services/pitch/pitch-service.ts:1',
      'rule:no-worker-to-user-repository src/services/worker/handlers/dashboard.ts:2',
      'rule:no-worker-to-user-repository src/services/worker/handlers/follows.ts:1',
      'rule:no-worker-to-user-repository src/services/worker/handlers/pitch-detail.ts:3',
      'rule:no-worker-to-user-repository src/services/worker/handlers/profile.ts:1',
      'rule:user-modules-use-db src/services/user/avatar.ts:',
      'rule:user-modules-use-db src/services/user/user-routes.ts:',
    ]);
  });

  it('a rule that matches no module is a config error naming the key', async () => {
    await expect(
      collectFixture('cycles', { rules: { forbidden: [{ name: 'ghost', from: { path: '^nowhere/' }, to: {} }] } }),
    ).rejects.toThrow(new ConfigError('rule "ghost": from matches no module', 'static.rules.forbidden[0].from'));
    await expect(
      collectFixture('cycles', { rules: { forbidden: [{ name: 'bad', from: { path: '([' }, to: {} }] } }),
    ).rejects.toThrow(/static\.rules\.forbidden\[0\]\.from\.path: invalid regular expression/);
    await expect(
      collectFixture('cycles', { dependencyCruiserConfig: path.join('nope', '.dependency-cruiser.cjs') }),
    ).rejects.toThrow(ConfigError);
  });
});

describe('group matching ($1) in rules', () => {
  it('forbids imports between sibling services with one rule', async () => {
    const c = await collectFixture('pitchey-monolith', {
      detectors: off,
      rules: {
        forbidden: [
          {
            name: 'no-cross-service',
            from: { path: '^src/services/([^/]+)/' },
            to: { path: '^src/services/', pathNot: '^src/services/$1/', dependencyTypesNot: ['type-only'] },
          },
        ],
      },
    });
    const v = c.findings.filter((f) => f.rule === 'rule:no-cross-service');
    // Exactly the 20 value imports of the worker into user/pitch/nda (ANSWERS.md); nda's type import is excluded.
    expect(v).toHaveLength(20);
    expect(v.every((f) => f.locations[0].file.startsWith('src/services/worker/'))).toBe(true);
  });
});
