import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultSchema, type Result } from '../../src/core/result.js';
import { PUBLISHED_SCHEMAS, publishedSchemaText } from '../../scripts/published-schemas.js';
import { renderJson, resultSchema, validateResult } from '../../src/report/index.js';
import { emptyRun, erroredRun } from '../fixtures-results/edge-runs.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';

/** The Result as `result.json` holds it. */
const roundTrip = (r: Result): Result => JSON.parse(renderJson(r)) as Result;

/** Writes a value the Result's type forbids, as a broken file would hold it. */
function put(target: object, key: string, value: unknown): void {
  (target as Record<string, unknown>)[key] = value;
}

describe('renderJson + validateResult', () => {
  it('the JSON reporter output of the fixtures validates against schema/result.schema.json', () => {
    expect(validateResult(roundTrip(fullRun))).toEqual({ ok: true });
    expect(validateResult(roundTrip(passingStaticRun))).toEqual({ ok: true });
  });

  it('renderJson round-trips the Result exactly and ends with a newline', () => {
    const text = renderJson(fullRun);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(fullRun)));
    expect((JSON.parse(text) as Result).schemaVersion).toBe('1.0');
  });

  const broken: Array<[string, (r: Result) => void, RegExp]> = [
    ['missing schemaVersion', (r) => put(r, 'schemaVersion', undefined), /must have required property 'schemaVersion'/],
    ['another schemaVersion', (r) => put(r, 'schemaVersion', '2.0'), /^\/schemaVersion: must be "1.0"$/],
    [
      'unknown verdict',
      (r) => put(r, 'verdict', 'ok'),
      /^\/verdict: must be one of "pass", "fail", "inconclusive", "error"$/,
    ],
    ['string value', (r) => put(r.functions[0], 'value', '75'), /^\/functions\/0\/value: must be number,boolean,null$/],
    ['unknown top-level key', (r) => put(r, 'extra', 1), /unknown property "extra"/],
    [
      'bad target operator',
      (r) => put(r.functions[1].target, 'op', '=<'),
      /^\/functions\/1\/target\/op: must be one of/,
    ],
    ['negative count', (r) => (r.summary.failed = -1), /^\/summary\/failed: must be >= 0$/],
    [
      'finding without locations',
      (r) => put(r.findings[0], 'locations', undefined),
      /^\/findings\/0: must have required property 'locations'$/,
    ],
    [
      'percentile above 100',
      (r) => (r.load!.scenarios[0].percentileCurve[0].p = 101),
      /percentileCurve\/0\/p: must be <= 100/,
    ],
    ['timestamp not ISO', (r) => (r.startedAt = '25/11/2026'), /^\/startedAt: must match pattern/],
  ];
  for (const [name, breakIt, message] of broken) {
    it(`rejects a result with ${name} (the JSON Schema and its zod source agree)`, () => {
      // Through JSON again, as a file on disk: `undefined` drops the key.
      const r = roundTrip(fullRun);
      breakIt(r);
      const json = JSON.parse(JSON.stringify(r)) as unknown;
      const v = validateResult(json);
      expect(v.ok).toBe(false);
      if (!v.ok)
        expect(
          v.errors.some((e) => message.test(e)),
          v.errors.join('\n'),
        ).toBe(true);
      expect(ResultSchema.safeParse(json).success).toBe(false);
    });
  }

  it('rejects things that are not results at all', () => {
    expect(validateResult(null).ok).toBe(false);
    expect(validateResult([]).ok).toBe(false);
    expect(validateResult({}).ok).toBe(false);
  });
});

/** The published schemas are generated from the zod sources (`npm run schema`); the committed files must be current. */
describe('schema/*.schema.json are generated from the zod schemas', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  for (const { file, generate } of PUBLISHED_SCHEMAS) {
    it(`${file} equals what \`npm run schema\` generates`, () => {
      const stale = `${file} is stale: a zod schema changed; run \`npm run schema\` and commit ${file}`;
      expect(readFileSync(path.join(root, file), 'utf8'), stale).toBe(publishedSchemaText(generate));
    });
  }

  it('the schema the report validator loads is the generated one', () => {
    const generated = PUBLISHED_SCHEMAS.find((s) => s.file === 'schema/result.schema.json')!.generate();
    expect(resultSchema).toEqual(generated);
  });

  const fixtures: Array<[string, Result]> = [
    ['fullRun', fullRun],
    ['passingStaticRun', passingStaticRun],
    ['emptyRun', emptyRun],
    ['erroredRun', erroredRun],
  ];
  for (const [name, result] of fixtures) {
    it(`the ${name} fixture passes both the zod schema and the generated JSON Schema`, () => {
      const json = roundTrip(result);
      const parsed = ResultSchema.safeParse(json);
      expect(parsed.success, parsed.error?.message).toBe(true);
      expect(validateResult(json)).toEqual({ ok: true });
    });
  }

  it('zod rejects what JSON cannot carry: a non-finite target value (JSON.stringify makes it null)', () => {
    const r = structuredClone(fullRun);
    r.functions[0].target.value = Number.POSITIVE_INFINITY;
    expect(ResultSchema.safeParse(r).success).toBe(false);
    expect(validateResult(roundTrip(r)).ok).toBe(false);
  });
});
