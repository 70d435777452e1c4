import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RequestConfig, ScenarioConfig, ThresholdConfig } from '../../config/types.js';
import { ConfigError } from '../../core/errors.js';
import { loadDataRows, type DataRow } from '../data-feeder.js';
import { formatDuration, parseDuration } from '../duration.js';
import { SUMMARY_TREND_STATS } from '../metric-store.js';
import { seedOfName, unitHash } from '../../core/seeded-random.js';
import { parseBody, parseTemplate } from '../template/ast.js';
import { emitBodyExpression, emitTemplateLiteral } from '../template/emit-js.js';
import { formatMetricReference, parseMetricReference } from '../threshold-expression.js';

export interface K6ScriptOptions {
  /** Default target when the BASE_URL environment variable is not set at `k6 run` time. */
  baseUrl?: string;
  /** Global thresholds, merged with the scenario's (as runLoad does). */
  thresholds?: Record<string, Array<string | ThresholdConfig>>;
  /** Data rows for `${data.x}` of a single-scenario script; default: the scenario's inline rows or its data file. */
  dataRows?: DataRow[];
  baseDir?: string;
  /** File handleSummary writes the summary data to (SUMMARY_JSON overrides it at run time). Default summary.json. */
  summaryFile?: string;
}

/** A JS template literal for one of our `${…}` templates. */
function templateLiteral(text: string, keyPath: string): string {
  return emitTemplateLiteral(parseTemplate(text, keyPath));
}

function gjsonPath(path: string): string {
  return path.replace(/^\$\.?/, '').replace(/\[(\d+)\]/g, '.$1');
}

function requestFunction(r: RequestConfig, phase: 'setup' | 'main', keyPath: string): string {
  const method = (r.method ?? 'GET').toUpperCase();
  const headers = { ...(r.headers ?? {}) };
  const hasJsonBody = r.body !== undefined && typeof r.body !== 'string';
  const headerEntries = Object.entries(headers).map(
    ([k, v]) => `${JSON.stringify(k)}: ${templateLiteral(String(v), `${keyPath}.headers.${k}`)}`,
  );
  if (hasJsonBody && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
    headerEntries.push(`'content-type': 'application/json'`);
  const tags = { name: r.name ?? r.path, phase, ...(r.tags ?? {}) };
  const expected = r.expectedStatuses?.length
    ? `, responseCallback: http.expectedStatuses(${r.expectedStatuses.map((e) => JSON.stringify(e)).join(', ')})`
    : '';
  const bodyJs = r.body === undefined ? 'null' : emitBodyExpression(parseBody(r.body, `${keyPath}.body`));
  const body = hasJsonBody ? `JSON.stringify(${bodyJs})` : bodyJs;
  const checks = (r.checks ?? []).map((c) => {
    const conds: string[] = [];
    if (c.status !== undefined)
      conds.push(
        Array.isArray(c.status) ? `${JSON.stringify(c.status)}.includes(res.status)` : `res.status === ${c.status}`,
      );
    if (c.jsonPath !== undefined) {
      conds.push(
        c.equals === undefined
          ? `jsonAt(res, ${JSON.stringify(gjsonPath(c.jsonPath))}) != null`
          : `JSON.stringify(jsonAt(res, ${JSON.stringify(gjsonPath(c.jsonPath))})) === ${JSON.stringify(JSON.stringify(c.equals))}`,
      );
    }
    if (c.contains !== undefined) conds.push(`String(res.body).includes(${JSON.stringify(c.contains)})`);
    return `      ${JSON.stringify(c.name)}: (res) => ${conds.length ? conds.join(' && ') : 'true'},`;
  });
  const captures = Object.entries(r.capture ?? {}).map(
    ([v, p]) =>
      `    { const v = jsonAt(res, ${JSON.stringify(gjsonPath(p))}); if (v != null) vars[${JSON.stringify(v)}] = v; }`,
  );
  const inner = [
    `    const res = http.request(${JSON.stringify(method)}, BASE_URL + ${templateLiteral(r.path, `${keyPath}.path`)}, ${body}, {`,
    `      headers: { ${headerEntries.join(', ')} },`,
    `      tags: ${JSON.stringify(tags)}${expected},`,
    `    });`,
    ...(checks.length ? [`    check(res, {`, ...checks.map((c) => `  ${c}`), `    });`] : []),
    ...captures,
  ];
  const groupName = phase === 'setup' ? 'setup' : r.group;
  const bodyLines = groupName
    ? [`  group(${JSON.stringify(groupName)}, () => {`, ...inner.map((l) => `  ${l}`), `  });`]
    : inner.map((l) => l.slice(2));
  return [`(row, vars, iter) => {`, ...bodyLines, `}`].join('\n');
}

function executorOptions(name: string, sc: ScenarioConfig, startTimeMs: number): Record<string, unknown> {
  const keys = [
    'executor',
    'duration',
    'rate',
    'timeUnit',
    'startRate',
    'stages',
    'vus',
    'startVUs',
    'iterations',
    'preAllocatedVUs',
    'maxVUs',
    'maxDuration',
    'gracefulStop',
    'tags',
  ] as const;
  const o: Record<string, unknown> = {};
  for (const k of keys) if (sc[k] !== undefined) o[k] = sc[k];
  if (startTimeMs > 0) o.startTime = formatDuration(startTimeMs);
  o.exec = execName(name);
  return o;
}

function execName(scenario: string): string {
  return `scenario_${scenario.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function mergeThresholds(
  ...all: Array<Record<string, Array<string | ThresholdConfig>> | undefined>
): Record<string, Array<string | ThresholdConfig>> {
  const out: Record<string, Array<string | ThresholdConfig>> = {};
  for (const t of all) for (const [k, v] of Object.entries(t ?? {})) (out[k] ??= []).push(...v);
  return out;
}

/** How long a scenario can run (for sequencing with startTime), or null when only a maxDuration bounds it. */
function runLengthMs(sc: ScenarioConfig): number | null {
  const grace = sc.gracefulStop !== undefined ? parseDuration(sc.gracefulStop) : 30_000;
  if (sc.stages?.length && (sc.executor === 'ramping-vus' || sc.executor === 'ramping-arrival-rate')) {
    return sc.stages.reduce((a, st) => a + parseDuration(st.duration), 0) + grace;
  }
  if (sc.duration !== undefined && (sc.executor === 'constant-vus' || sc.executor === 'constant-arrival-rate'))
    return parseDuration(sc.duration) + grace;
  return null;
}

/** JS of the data rows of one scenario: inlined when known now, else read with k6's open() at init (JSON only). */
function dataExpression(scenarioName: string, sc: ScenarioConfig, opts: K6ScriptOptions, single: boolean): string {
  if (single && opts.dataRows) return JSON.stringify(opts.dataRows);
  if (typeof sc.data === 'string') {
    const file = path.resolve(opts.baseDir ?? process.cwd(), sc.data);
    if (!existsSync(file)) {
      if (!sc.data.endsWith('.json')) {
        throw new ConfigError(
          `data file ${file} not found; only JSON data files can be read by the k6 script at run time`,
          `load.scenarios.${scenarioName}.data`,
        );
      }
      return `rowsOf(JSON.parse(open(${JSON.stringify(sc.data)})), ${JSON.stringify(sc.data)})`;
    }
  }
  return JSON.stringify(
    loadDataRows(sc.data, opts.baseDir ?? process.cwd(), `load.scenarios.${scenarioName}.data`) ?? [],
  );
}

function scenarioCode(name: string, sc: ScenarioConfig, i: number, dataJs: string): string {
  const keyPath = `load.scenarios.${name}`;
  const requests = sc.requests.map((r, k) => {
    const fn = requestFunction(r, 'main', `${keyPath}.requests[${k}]`);
    return `  { weight: ${r.weight ?? 1}, run: ${fn.split('\n').join('\n  ')} },`;
  });
  const setup = (sc.setup ?? []).map(
    (r, k) => `  ${requestFunction(r, 'setup', `${keyPath}.setup[${k}]`).split('\n').join('\n  ')},`,
  );
  const pick =
    sc.flow === 'sequence'
      ? `  for (const r of REQUESTS_${i}) r.run(row, vars, iter);`
      : `  let pick = unitHash(${seedOfName(name)}, iter) * TOTAL_WEIGHT_${i};
  for (const r of REQUESTS_${i}) {
    pick -= r.weight;
    if (pick < 0) { r.run(row, vars, iter); return; }
  }
  REQUESTS_${i}[REQUESTS_${i}.length - 1].run(row, vars, iter);`;
  return `// ---- scenario ${JSON.stringify(name)} (${sc.executor})${sc.arrival === 'poisson' ? '\n// Note: arrival "poisson" has no k6 equivalent; k6 paces arrivals at constant intervals.' : ''}
/** Data rows for \${data.x} templates: iteration i uses row i mod n, a VU's sign-in uses row (VU - 1) mod n. */
const DATA_${i} = new SharedArray(${JSON.stringify(`data-${i}`)}, () => ${dataJs});

/** @type {Array<(row: Record<string, any>, vars: Record<string, any>, iter: number) => void>} */
const SETUP_${i} = [
${setup.join('\n')}
];

/** @type {Array<{ weight: number, run: (row: Record<string, any>, vars: Record<string, any>, iter: number) => void }>} */
const REQUESTS_${i} = [
${requests.join('\n')}
];
const TOTAL_WEIGHT_${i} = REQUESTS_${i}.reduce((s, r) => s + r.weight, 0);

export function ${execName(name)}() {
  const vars = varsOf(${i});
  if (!vars.__signedIn) {
    vars.__signedIn = true;
    for (const step of SETUP_${i}) step(rowAt(DATA_${i}, __VU - 1), vars, 0);
  }
  const iter = exec.scenario.iterationInTest;
  const row = rowAt(DATA_${i}, iter);
${pick}
}
`;
}

/**
 * A complete k6 script (ES module) for one or more scenarios: \`options.scenarios\` with the same executors (run
 * one after another through \`startTime\` when their length is known, as runLoad does), \`options.thresholds\`, the
 * weighted request mixes with the same templates, checks and captures, a per-VU sign-in on its first iteration (k6
 * forbids HTTP in the init context) and \`handleSummary\` writing the summary data as JSON.
 */
export function generateK6Script(scenarios: Record<string, ScenarioConfig>, opts?: K6ScriptOptions): string;
export function generateK6Script(scenarioName: string, scenario: ScenarioConfig, opts?: K6ScriptOptions): string;
export function generateK6Script(
  a: string | Record<string, ScenarioConfig>,
  b?: ScenarioConfig | K6ScriptOptions,
  c?: K6ScriptOptions,
): string {
  const single = typeof a === 'string';
  const scenarios: Record<string, ScenarioConfig> = single ? { [a]: b as ScenarioConfig } : a;
  const opts: K6ScriptOptions = (single ? c : b) ?? {};
  const names = Object.keys(scenarios);
  if (names.length === 0) throw new ConfigError('no scenarios to export', 'load.scenarios');
  const options: {
    scenarios: Record<string, unknown>;
    thresholds: Record<string, unknown>;
    summaryTrendStats: string[];
  } = {
    scenarios: {},
    thresholds: mergeThresholds(opts.thresholds),
    summaryTrendStats: [...SUMMARY_TREND_STATS],
  };
  let start: number | null = 0;
  const notes: string[] = [];
  const code: string[] = [];
  names.forEach((name, i) => {
    const sc = scenarios[name];
    options.scenarios[name] = executorOptions(name, sc, start ?? 0);
    if (start === null && i > 0)
      notes.push(
        `// Note: scenario ${JSON.stringify(name)} starts with the ones before it (their length is bounded only by maxDuration).`,
      );
    const len = runLengthMs(sc);
    start = start === null || len === null ? null : start + len;
    // k6 thresholds are global; a scenario's own thresholds apply to its samples through the scenario tag
    for (const [metric, list] of Object.entries(sc.thresholds ?? {})) {
      const key = names.length === 1 ? metric : scopedMetric(metric, name);
      ((options.thresholds[key] ??= []) as unknown[]).push(...list);
    }
    code.push(scenarioCode(name, sc, i, dataExpression(name, sc, opts, single)));
  });
  if (names.some((n) => scenarios[n].warmup))
    notes.push("// Note: k6 has no warm-up phase; the scenarios' `warmup` is not exported.");
  if (names.some((n) => (scenarios[n].setup ?? []).length)) {
    notes.push(
      '// Note: k6 counts the per-VU sign-in requests in http_req_* (tag phase:setup); pitchey-fit keeps them apart.',
    );
  }
  return `// Generated by pitchey-fit from scenario${names.length > 1 ? 's' : ''} ${names.map((n) => JSON.stringify(n)).join(', ')}. Run: k6 run -e BASE_URL=http://host:port script.js
${notes.join('\n')}${notes.length ? '\n' : ''}import http from 'k6/http';
import { check, group } from 'k6';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';

const BASE_URL = (__ENV.BASE_URL || ${JSON.stringify((opts.baseUrl ?? 'http://127.0.0.1:8080').replace(/\/$/, ''))}).replace(/\\/$/, '');
const SUMMARY_JSON = __ENV.SUMMARY_JSON || ${JSON.stringify(opts.summaryFile ?? 'summary.json')};

export const options = ${JSON.stringify(options, null, 2)};

/** @param {any} res @param {string} path */
function jsonAt(res, path) {
  try {
    return res.json(path);
  } catch (e) {
    return undefined;
  }
}

/**
 * Weighted choices are seeded per scenario, as in pitchey-fit's native engine (its own function, emitted here).
 * @param {number} seed @param {number} n @returns {number}
 */
${unitHash.toString()}

/** @param {ArrayLike<any>} data @param {number} i @returns {Record<string, any>} */
function rowAt(data, i) {
  return data.length ? data[i % data.length] : {};
}

/**
 * Rows of a JSON data file read at run time: an array of row objects, as pitchey-fit's own data files.
 * @param {any} doc @param {string} file @returns {Array<Record<string, any>>}
 */
function rowsOf(doc, file) {
  if (!Array.isArray(doc)) throw new Error(file + ': expected a JSON array of row objects');
  return doc;
}

/** Per-VU state (module scope is per VU in k6), one object per scenario. @type {Record<number, Record<string, any>>} */
const VARS = {};
/** @param {number} i */
function varsOf(i) {
  return VARS[i] || (VARS[i] = {});
}

${code.join('\n')}
/** @param {any} data */
export function handleSummary(data) {
  return { [SUMMARY_JSON]: JSON.stringify(data, null, 2) };
}
`;
}

/** `http_req_duration` → `http_req_duration{scenario:name}`; a sub-metric gets the scenario tag added. */
function scopedMetric(metric: string, scenario: string): string {
  const ref = parseMetricReference(metric);
  return formatMetricReference(ref.name, { ...ref.tags, scenario });
}
