import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { defaultPlatformScenarios } from '../../src/bundled-platform/default-scenarios.js';
import { seedManifestRows } from '../../src/bundled-platform/seed-manifest.js';
import { generateK6Script } from '../../src/load/k6/script-generator.js';
import { seedOfName, unitHash } from '../../src/core/seeded-random.js';

/** The parts of a generated script's `options` the tests read. */
type K6Options = { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, unknown> };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Type-checks JS files against @types/k6 with the TypeScript compiler API; returns the diagnostics as text. */
function typeCheckK6(files: string[]): string[] {
  const program = ts.createProgram(files, {
    allowJs: true,
    checkJs: true,
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // the scripts live in a temp dir: map k6's modules to this repo's @types/k6
    paths: {
      k6: [path.join(root, 'node_modules/@types/k6/index.d.ts')],
      'k6/*': [path.join(root, 'node_modules/@types/k6/*')],
    },
    types: ['k6'],
    typeRoots: [path.join(root, 'node_modules', '@types')],
    lib: ['lib.es2020.d.ts'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file && d.start !== undefined
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}`
        : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const manifest = {
  users: [
    { id: 'u1', email: 'prod1@example.com', password: 'pw', role: 'production' },
    { id: 'u2', email: 'inv@example.com', password: 'pw', role: 'investor' },
  ],
  publishedPitchIds: ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'],
  creatorIds: ['c1'],
};

describe('k6 script generation', () => {
  it('default platform scenarios become k6 scripts that type-check against @types/k6', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pf-k6-'));
    const scenarios = defaultPlatformScenarios(manifest);
    const files = Object.entries(scenarios).map(([name, sc]) => {
      const file = path.join(dir, `${name}.js`);
      writeFileSync(file, generateK6Script(name, sc, { thresholds: { checks: ['rate>0.99'] } }));
      return file;
    });
    // and a scenario using every feature: sequence flow, captures, body templates keeping types, expected statuses
    const seq = path.join(dir, 'sequence.js');
    writeFileSync(
      seq,
      generateK6Script('seq-flow', {
        executor: 'ramping-arrival-rate',
        startRate: 0,
        stages: [{ duration: '10s', target: 20 }],
        preAllocatedVUs: 5,
        arrival: 'poisson',
        flow: 'sequence',
        data: [{ id: 7, name: 'a`b${x}' }],
        requests: [
          {
            method: 'POST',
            path: '/items',
            body: { id: '${data.id}', label: 'item ${data.name} by ${vu.id}' },
            capture: { itemId: 'data.items[0].id' },
            expectedStatuses: [201, { min: 400, max: 409 }],
          },
          {
            path: '/items/${vars.itemId}?i=${iteration}',
            checks: [
              { name: 'has id', jsonPath: 'data.id', equals: 7 },
              { name: 'mentions', contains: 'item' },
            ],
          },
        ],
        thresholds: {
          'http_req_duration{group:::browse}': [{ threshold: 'p(95)<300', abortOnFail: true, delayAbortEval: '5s' }],
        },
      }),
    );
    files.push(seq);
    expect(typeCheckK6(files)).toEqual([]);
  });

  it('several scenarios: one script, run one after another via startTime, thresholds scoped per scenario; rows from a JSON file at run time', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pf-k6-multi-'));
    // rows.json does not exist when the script is generated: k6 reads it with open() at init
    const scenarios = Object.fromEntries(
      Object.entries(defaultPlatformScenarios(manifest)).map(([n, sc]) => [n, { ...sc, data: 'rows.json' }]),
    );
    const script = generateK6Script(scenarios, { thresholds: { checks: ['rate>0.99'] }, baseDir: dir });
    const file = path.join(dir, 'script.js');
    writeFileSync(file, script);
    expect(typeCheckK6([file])).toEqual([]);
    const options = JSON.parse(/export const options = (\{[\s\S]*?\n\});/.exec(script)![1]) as K6Options;
    // browse-95 starts after browse-88's 30 s + 10 s gracefulStop
    expect(options.scenarios['browse-88'].startTime).toBeUndefined();
    expect(options.scenarios['browse-95'].startTime).toBe('40s');
    expect(options.thresholds).toEqual({
      checks: ['rate>0.99'],
      'http_req_duration{scenario:browse-88}': ['p(99)<200'],
      'http_req_failed{scenario:browse-88}': ['rate<0.01'],
      'http_req_duration{scenario:browse-95}': ['p(99)<200'],
      'http_req_failed{scenario:browse-95}': ['rate<0.01'],
    });
    expect(script).toContain('rowsOf(JSON.parse(open("rows.json")), "rows.json")');
    // the generic script knows no platform data shape (issue 11 item 4): rows are plain rows
    expect(script).not.toMatch(/SEARCH_TERMS|publishedPitchIds|creatorIds|seed.manifest|'production'/);
    const fnText = /function rowsOf\(doc, file\) \{[\s\S]*?\n\}/.exec(script)![0];
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the generated script's own function
    const makeRowsOf = new Function(`${fnText}\nreturn rowsOf;`) as () => (doc: unknown, file: string) => unknown;
    const rowsOf = makeRowsOf();
    const rows = seedManifestRows(manifest);
    expect(rowsOf(rows, 'rows.json')).toBe(rows);
    expect(() => rowsOf(manifest, 'rows.json')).toThrow('rows.json: expected a JSON array of row objects');
  });

  it('weighted choices are seeded like the native engine: iteration n picks the same request in both', () => {
    const sc = {
      executor: 'shared-iterations' as const,
      vus: 1,
      iterations: 10,
      requests: [
        { path: '/a', weight: 3 },
        { path: '/b', weight: 1 },
      ],
    };
    const script = generateK6Script('mix', sc);
    expect(script).not.toContain('Math.random');
    expect(script).toContain(`let pick = unitHash(${seedOfName('mix')}, iter) * TOTAL_WEIGHT_0;`);
    const fnText = /function unitHash\(seed, n\) \{[\s\S]*?\n\}/.exec(script)![0];
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the generated script's own function
    const emitted = new Function(`${fnText}\nreturn unitHash;`) as () => (seed: number, n: number) => number;
    const fromScript = emitted();
    for (let n = 0; n < 1000; n++) expect(fromScript(seedOfName('mix'), n)).toBe(unitHash(seedOfName('mix'), n));
    // the stream is roughly uniform: weight 3 of 4 picks /a in about 75% of 1000 iterations
    let a = 0;
    for (let n = 0; n < 1000; n++) if (unitHash(seedOfName('mix'), n) * 4 < 3) a++;
    expect(a).toBeGreaterThan(700);
    expect(a).toBeLessThan(800);
  });

  it('the type check is not vacuous: misuse of the k6 API is reported', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pf-k6-bad-'));
    const bad = path.join(dir, 'bad.js');
    writeFileSync(
      bad,
      "import http from 'k6/http';\nimport exec from 'k6/execution';\nexport default function () {\n  http.request('GET', 42);\n  return exec.scenario.noSuchField;\n}\n",
    );
    const diags = typeCheckK6([bad]);
    expect(diags.some((d) => d.startsWith('bad.js:4'))).toBe(true);
    expect(diags.some((d) => d.startsWith('bad.js:5') && d.includes('noSuchField'))).toBe(true);
  });

  it('carries executor options, thresholds, handleSummary and the request mix', () => {
    const sc = defaultPlatformScenarios(manifest)['browse-88'];
    const script = generateK6Script('browse-88', sc, { thresholds: { http_req_failed: ['rate<0.01'] } });
    const optionsJson = /export const options = (\{[\s\S]*?\n\});/.exec(script)![1];
    const options = JSON.parse(optionsJson) as K6Options;
    expect(options.scenarios['browse-88']).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 20,
      maxVUs: 200,
      exec: 'scenario_browse_88',
    });
    // global thresholds merged with the scenario's
    expect(options.thresholds).toEqual({
      http_req_failed: ['rate<0.01', 'rate<0.01'],
      http_req_duration: ['p(99)<200'],
    });
    expect(script).toMatch(/export function scenario_browse_88\(\)/);
    expect(script).toMatch(/export function handleSummary\(data\)/);
    expect(script).toContain('BASE_URL + `/api/pitches/${row["pitchId"]}`');
    expect(script).toContain('"authorization": `Bearer ${vars["token"]}`');
    // weights sum to 100 (percent of requests)
    const weights = [...script.matchAll(/\{ weight: ([\d.e-]+), run:/g)].map((m) => Number(m[1]));
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 9);
  });
});
