import type { FitnessContext, FitnessFunctions, FitnessValue } from '../core/fitness-function.js';
import type { Evidence } from '../core/result.js';
import type { StaticSection } from '../core/result-static.js';

function requireStatic(ctx: FitnessContext): StaticSection {
  if (!ctx.static) throw new Error('the static collector did not run');
  return ctx.static;
}

const CROSS_SERVICE_RULES = new Set(['cross-service-import', 'service-package-dependency']);

function isRuleFinding(rule: string): boolean {
  return rule.startsWith('rule:');
}

/**
 * The review's static fitness functions, declared exactly like user functions. Values come from the static section;
 * evidence from the findings the collector produced (each violating import with file and line).
 */
export const staticFitnessFunctions: FitnessFunctions = {
  serviceAutonomy: {
    metric: 'Deployment independence',
    description:
      'Share of services with no value-level compile-time dependency on another service (imports and package.json dependencies)',
    unit: '%',
    target: 100,
    needs: ['static'],
    test(ctx): FitnessValue {
      const s = requireStatic(ctx);
      if (s.services.length === 0)
        return { value: null, verdict: 'inconclusive', reason: 'no services are configured' };
      const autonomous = s.services.filter((x) => x.autonomous).length;
      const evidence: Evidence[] = ctx.findings
        .filter((f) => CROSS_SERVICE_RULES.has(f.rule))
        .map((f) => ({
          message: f.message,
          file: f.locations[0]?.file,
          line: f.locations[0]?.line,
          fingerprint: f.fingerprint,
          data: { rule: f.rule, fromService: f.service ?? null },
        }));
      for (const svc of s.services) {
        if (!svc.autonomous)
          evidence.unshift({
            message: `${svc.name} depends on ${svc.dependsOn.join(', ')}`,
            data: { service: svc.name, dependsOn: svc.dependsOn },
          });
      }
      return { value: (100 * autonomous) / s.services.length, evidence };
    },
  },
  serviceCoupling: {
    metric: 'Average afferent coupling',
    description: 'Mean over services of Ca: distinct modules of other services that depend on the service',
    unit: '',
    target: '< 3',
    needs: ['static'],
    test(ctx): FitnessValue {
      const s = requireStatic(ctx);
      if (s.services.length === 0)
        return { value: null, verdict: 'inconclusive', reason: 'no services are configured' };
      const total = s.services.reduce((a, x) => a + x.ca, 0);
      const evidence: Evidence[] = s.services.map((x) => ({
        message: `${x.name}: Ca ${x.ca}, Ce ${x.ce}${x.dependedOnBy.length ? ` (depended on by ${x.dependedOnBy.join(', ')})` : ''}`,
        data: { service: x.name, ca: x.ca, ce: x.ce, instability: x.instability, dependedOnBy: x.dependedOnBy },
      }));
      // The imports behind the Ca figures, fingerprinted like the autonomy evidence (baselines match on them).
      for (const f of ctx.findings) {
        if (f.rule !== 'cross-service-import') continue;
        evidence.push({
          message: f.message,
          file: f.locations[0]?.file,
          line: f.locations[0]?.line,
          fingerprint: f.fingerprint,
          data: { fromService: f.service ?? null },
        });
      }
      return { value: total / s.services.length, evidence };
    },
  },
  noCycles: {
    metric: 'Dependency cycles',
    description: 'Strongly connected components of the module graph (value edges unless countTypeOnly)',
    unit: '',
    target: '== 0',
    needs: ['static'],
    test(ctx): FitnessValue {
      const s = requireStatic(ctx);
      const cycles = s.counted === 'all' ? s.cycles.all : s.cycles.value;
      const byExample = new Map(ctx.findings.filter((f) => f.rule === 'cycle').map((f) => [f.message, f]));
      // Each cycle carries its finding's fingerprint: a baseline that accepts every cycle turns the fail into a pass.
      const evidence: Evidence[] = cycles.map((c) => {
        const f = byExample.get(c.example.join(' -> '));
        return {
          message: `${c.size} modules: ${c.example.join(' -> ')}`,
          file: c.example[0],
          ...(f ? { fingerprint: f.fingerprint } : {}),
          data: { size: c.size, example: c.example },
        };
      });
      return { value: cycles.length, evidence };
    },
  },
  crossServiceCoChange: {
    metric: 'Cross-service co-change',
    description:
      'Share of commits (bulk commits left out) that changed modules of two or more services: services that ' +
      'change together are not independently deployable. Lenient by default; tighten the target as services split',
    unit: '%',
    target: '<= 50',
    needs: ['static'],
    test(ctx): FitnessValue {
      const cc = requireStatic(ctx).changeCoupling;
      if (!cc)
        return { value: null, verdict: 'inconclusive', reason: 'change coupling is off (static.changeCoupling)' };
      if (!cc.available) return { value: null, verdict: 'inconclusive', reason: cc.reason ?? 'no git history' };
      if (cc.crossServiceShare === null) {
        return { value: null, verdict: 'inconclusive', reason: 'no commit in the window changed a service' };
      }
      const evidence: Evidence[] = cc.servicePairs.map((p) => ({
        message: `${p.a} and ${p.b} changed together in ${p.shared} commits (degree ${Math.round(p.degree * 100)}%)`,
        data: { a: p.a, b: p.b, shared: p.shared, degree: p.degree },
      }));
      return { value: 100 * cc.crossServiceShare, evidence };
    },
  },
  dependencyRules: {
    metric: 'Dependency rule violations',
    description:
      'Violations of the forbidden / allowed / required rules of the config and of a dependency-cruiser config',
    unit: '',
    target: '== 0',
    needs: ['static'],
    test(ctx): FitnessValue {
      requireStatic(ctx);
      const v = ctx.findings.filter((f) => isRuleFinding(f.rule));
      return {
        value: v.length,
        evidence: v.map((f) => ({
          message: `${f.rule.slice(5)}: ${f.message}`,
          file: f.locations[0]?.file,
          line: f.locations[0]?.line,
          fingerprint: f.fingerprint,
        })),
      };
    },
  },
};
