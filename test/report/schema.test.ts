import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { renderJson, resultSchema, validateResult } from '../../src/report/index.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';

const roundTrip = (r: Result): Record<string, any> => JSON.parse(renderJson(r));

describe('renderJson + validateResult', () => {
  it('the JSON reporter output of the fixtures validates against schema/result.schema.json', () => {
    expect(validateResult(roundTrip(fullRun))).toEqual({ ok: true });
    expect(validateResult(roundTrip(passingStaticRun))).toEqual({ ok: true });
  });

  it('renderJson round-trips the Result exactly and ends with a newline', () => {
    const text = renderJson(fullRun);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(fullRun)));
    expect(JSON.parse(text).schemaVersion).toBe('1.0');
  });

  const broken: Array<[string, (r: Record<string, any>) => void, RegExp]> = [
    ['missing schemaVersion', (r) => delete r.schemaVersion, /must have required property 'schemaVersion'/],
    ['another schemaVersion', (r) => { r.schemaVersion = '2.0'; }, /^\/schemaVersion: must be "1.0"$/],
    ['unknown verdict', (r) => { r.verdict = 'ok'; }, /^\/verdict: must be one of "pass", "fail", "inconclusive", "error"$/],
    ['string value', (r) => { r.functions[0].value = '75'; }, /^\/functions\/0\/value: must be number,boolean,null$/],
    ['unknown top-level key', (r) => { r.extra = 1; }, /unknown property "extra"/],
    ['bad target operator', (r) => { r.functions[1].target.op = '=<'; }, /^\/functions\/1\/target\/op: must be one of/],
    ['negative count', (r) => { r.summary.failed = -1; }, /^\/summary\/failed: must be >= 0$/],
    ['finding without locations', (r) => delete r.findings[0].locations, /^\/findings\/0: must have required property 'locations'$/],
    ['percentile above 100', (r) => { r.load.scenarios[0].percentileCurve[0].p = 101; }, /percentileCurve\/0\/p: must be <= 100/],
    ['timestamp not ISO', (r) => { r.startedAt = '25/11/2026'; }, /^\/startedAt: must match pattern/],
  ];
  for (const [name, breakIt, message] of broken) {
    it(`rejects a result with ${name}`, () => {
      const r = roundTrip(fullRun);
      breakIt(r);
      const v = validateResult(r);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.errors.some((e) => message.test(e)), v.errors.join('\n')).toBe(true);
    });
  }

  it('rejects things that are not results at all', () => {
    expect(validateResult(null).ok).toBe(false);
    expect(validateResult([]).ok).toBe(false);
    expect(validateResult({}).ok).toBe(false);
  });
});

/**
 * The schema is written by hand; this keeps it in step with the TypeScript types: every interface's properties must
 * be the schema object's properties, and its required list must be exactly the non-optional ones.
 */
describe('schema matches src/core result types', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const files = ['result.ts', 'result-static.ts', 'result-load.ts', 'result-scale.ts', 'target.ts'].map((f) => path.join(root, 'src/core', f));
  const declared = new Map<string, { all: string[]; required: string[]; bases: string[] }>();
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    sf.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      const props = node.members.filter(ts.isPropertySignature);
      declared.set(node.name.text, {
        all: props.map((p) => p.name.getText(sf)),
        required: props.filter((p) => !p.questionToken).map((p) => p.name.getText(sf)),
        bases: (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(sf))),
      });
    });
  }
  const flatten = (name: string): { all: string[]; required: string[] } | undefined => {
    const own = declared.get(name);
    if (!own) return undefined;
    const inherited = own.bases.map(flatten).filter((x) => x !== undefined);
    return {
      all: [...own.all, ...inherited.flatMap((b) => b.all)].sort(),
      required: [...own.required, ...inherited.flatMap((b) => b.required)].sort(),
    };
  };
  const s = resultSchema as any;
  const d = s.$defs;
  const pairs: Array<[string, any]> = [
    ['Result', s], ['FitnessOutcome', d.fitnessOutcome], ['Finding', d.finding], ['Evidence', d.evidence],
    ['RunEnvironment', s.properties.environment], ['ComparisonSection', d.comparison],
    ['FunctionComparison', d.comparison.properties.functions.items], ['TrendPoint', d.trendPoint], ['Target', d.target],
    ['StaticSection', d.staticSection], ['ComponentMetrics', d.componentMetrics], ['ServiceMetrics', d.serviceMetrics],
    ['ServiceEdge', d.staticSection.properties.serviceEdges.items], ['CycleInfo', d.cycle], ['LoadSection', d.loadSection],
    ['ScenarioSummary', d.scenario], ['MetricSummary', d.metricSummary], ['ThresholdOutcome', d.scenario.properties.thresholds.items],
    ['ScaleSection', d.scaleSection], ['ScalePoint', d.scalePoint], ['UslFit', d.uslFit], ['BaselineSummary', d.baselineSummary],
  ];
  for (const [name, def] of pairs) {
    it(`${name} has the schema's properties and required list`, () => {
      const iface = flatten(name);
      expect(iface, `interface ${name} not found`).toBeDefined();
      expect(Object.keys(def.properties).sort()).toEqual(iface!.all);
      expect([...(def.required ?? [])].sort()).toEqual(iface!.required);
    });
  }
});
