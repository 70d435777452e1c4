import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../core/errors.js';
import type { MetricType } from '../../core/result-load.js';
import { MetricStore } from '../metric-store.js';
import type { MetricContains, MetricDefinition } from '../metric-types.js';
import { BUILTIN_METRICS } from '../metric-types.js';
import { parseMetricReference, type MetricReference } from '../threshold-expression.js';

const TYPES: readonly MetricType[] = ['trend', 'rate', 'counter', 'gauge'];

/** Lines of a (possibly gzipped) text file with 1-based numbers. */
export async function* readLines(file: string): AsyncGenerator<{ line: string; n: number }> {
  const stream = createReadStream(file);
  const input = file.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      n++;
      yield { line, n };
    }
  } catch (e) {
    throw new InputError(`${file}:${n + 1}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

interface MetricLine {
  type: 'Metric';
  metric: string;
  data: {
    name?: string;
    type: MetricType;
    contains?: MetricContains;
    thresholds?: string[] | null;
    submetrics?: Array<{ name?: string; suffix?: string; tags?: Record<string, string>; thresholds?: string[] }> | null;
  };
}

interface PointLine {
  type: 'Point';
  metric: string;
  data: { time: string; value: number; tags?: Record<string, string> | null };
}

function parseLine(file: string, n: number, line: string): MetricLine | PointLine | null {
  if (line.trim() === '') return null;
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    throw new InputError(`${file}:${n}: not a JSON line (truncated or malformed k6 --out json output)`);
  }
  const o = obj as Partial<MetricLine | PointLine>;
  if (!o || typeof o !== 'object' || typeof o.metric !== 'string' || !o.data || typeof o.data !== 'object') {
    throw new InputError(
      `${file}:${n}: expected a k6 JSON output line {"type":"Metric"|"Point","data":{…},"metric":"…"}`,
    );
  }
  if (o.type === 'Metric') {
    const d = o.data;
    if (!TYPES.includes(d.type))
      throw new InputError(`${file}:${n}: metric ${o.metric} has unknown type ${JSON.stringify(d.type)}`);
    return o as MetricLine;
  }
  if (o.type === 'Point') {
    const d = o.data;
    if (typeof d.value !== 'number' || !Number.isFinite(d.value))
      throw new InputError(`${file}:${n}: point of ${o.metric} has no numeric value`);
    if (typeof d.time !== 'string' || Number.isNaN(Date.parse(d.time)))
      throw new InputError(`${file}:${n}: point of ${o.metric} has an invalid time ${JSON.stringify(d.time)}`);
    return o as PointLine;
  }
  throw new InputError(`${file}:${n}: unknown line type ${JSON.stringify(o.type)} (expected Metric or Point)`);
}

export interface NdjsonDeclarations {
  definitions: Map<string, MetricDefinition>;
  /** metric reference text → threshold expressions declared on it by k6 `Metric` lines. */
  thresholds: Map<string, Set<string>>;
  submetrics: MetricReference[];
}

/** Pass 1: every `Metric` line of every file (metric types, thresholds, sub-metrics). Also validates every line. */
export async function scanDeclarations(files: string[]): Promise<NdjsonDeclarations> {
  const decl: NdjsonDeclarations = { definitions: new Map(), thresholds: new Map(), submetrics: [] };
  const addThresholds = (ref: string, list: string[] | null | undefined) => {
    if (!list?.length) return;
    const set = decl.thresholds.get(ref) ?? new Set<string>();
    for (const t of list) set.add(t);
    decl.thresholds.set(ref, set);
  };
  for (const file of files) {
    let last = 0;
    for await (const { line, n } of readLines(file)) {
      last = n;
      const parsed = parseLine(file, n, line);
      if (!parsed || parsed.type !== 'Metric') continue;
      const base = parsed.metric.includes('{') ? parseMetricReference(parsed.metric).name : parsed.metric;
      if (!decl.definitions.has(base)) {
        decl.definitions.set(base, { name: base, type: parsed.data.type, contains: parsed.data.contains ?? 'default' });
      }
      if (parsed.metric !== base) decl.submetrics.push(parseMetricReference(parsed.metric));
      addThresholds(parsed.metric, parsed.data.thresholds);
      for (const sub of parsed.data.submetrics ?? []) {
        const name = sub.name ?? (sub.suffix ? `${base}{${sub.suffix}}` : undefined);
        if (!name) continue;
        const ref = parseMetricReference(name);
        decl.submetrics.push(ref);
        addThresholds(ref.text, sub.thresholds);
      }
    }
    if (last === 0) throw new InputError(`${file}: empty file`);
  }
  return decl;
}

export interface NdjsonRun {
  store: MetricStore;
  firstMs: number;
  lastMs: number;
  points: number;
  scenarios: Set<string>;
}

/** Pass 2: the points of one runner's file into its own store (raw samples kept: exact percentiles). */
export async function loadPoints(
  file: string,
  decl: NdjsonDeclarations,
  extraSubmetrics: MetricReference[],
): Promise<NdjsonRun> {
  const store = new MetricStore(true, {});
  for (const def of decl.definitions.values()) store.define(def);
  for (const ref of [...decl.submetrics, ...extraSubmetrics]) {
    if (!store.has(ref.name)) {
      const builtin = BUILTIN_METRICS[ref.name];
      if (!builtin) continue; // a threshold on a metric this output never declared: reported as no data
      store.define(builtin);
    }
    store.addSubmetric(ref);
  }
  const run: NdjsonRun = { store, firstMs: Infinity, lastMs: -Infinity, points: 0, scenarios: new Set() };
  for await (const { line, n } of readLines(file)) {
    const parsed = parseLine(file, n, line);
    if (!parsed || parsed.type !== 'Point') continue;
    if (!store.has(parsed.metric)) {
      const builtin = BUILTIN_METRICS[parsed.metric];
      if (!builtin) throw new InputError(`${file}:${n}: point of ${parsed.metric} before any Metric line declaring it`);
      store.define(builtin);
    }
    const tags = parsed.data.tags ?? undefined;
    store.add(parsed.metric, parsed.data.value, tags);
    const t = Date.parse(parsed.data.time);
    if (t < run.firstMs) run.firstMs = t;
    if (t > run.lastMs) run.lastMs = t;
    run.points++;
    if (tags?.scenario) run.scenarios.add(tags.scenario);
  }
  return run;
}
