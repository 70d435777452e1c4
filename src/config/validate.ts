import { ConfigError } from '../core/errors.js';
import { parseTarget } from '../core/target.js';
import type { PitcheyFitConfig } from './types.js';
import {
  any, anyOf, arrayOf, bool, fn, isPlainObject, matches, num, obj, oneOf, record, required, str,
  type Check,
} from './shape.js';

/** k6 duration strings: '500ms', '30s', '1m30s', '2h'. */
export const K6_DURATION_RE = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const duration = matches(K6_DURATION_RE, "a k6 duration like '30s' or '1m30s'");
const globs = anyOf('a glob string or an array of glob strings', str, arrayOf(str, { minItems: 1 }));
const serviceName = /^[A-Za-z][\w.-]*$/;

const target: Check = (v, p) => {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new ConfigError(`must be a comparison like '< 3' or '<= 200ms', a number or a boolean`, p);
  }
  parseTarget(v, p);
};

const severity = oneOf('critical', 'medium', 'low');
const fitnessKinds = arrayOf(oneOf('static', 'load', 'scale', 'custom'));

const fitnessFields = {
  metric: str,
  target,
  current: anyOf('a number or a boolean', num(), bool),
  description: str,
  unit: (v: unknown, p: string) => { if (typeof v !== 'string') throw new ConfigError('must be a string', p); },
  adr: str,
  severity,
  needs: fitnessKinds,
  test: fn,
};

const threshold = anyOf(
  "a k6 threshold string like 'p(99)<200' or { threshold, abortOnFail, delayAbortEval }",
  str,
  obj({ threshold: required(str), abortOnFail: bool, delayAbortEval: duration }),
);
const thresholds = record(arrayOf(threshold, { minItems: 1 }));

const check = obj({
  name: required(str),
  status: anyOf('an HTTP status or a list of them', num({ integer: true, min: 100, max: 599 }), arrayOf(num({ integer: true, min: 100, max: 599 }))),
  jsonPath: str,
  equals: any,
  contains: str,
});

const request = obj({
  name: str,
  group: str,
  weight: num({ min: 0 }),
  method: oneOf('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
  path: required(matches(/^\//, "a path starting with '/'")),
  headers: record(str),
  body: any,
  checks: arrayOf(check),
  capture: record(str),
  tags: record(str),
  expectedStatuses: arrayOf(anyOf('an HTTP status or { min, max }', num({ integer: true, min: 100, max: 599 }),
    obj({ min: required(num({ integer: true, min: 100, max: 599 })), max: required(num({ integer: true, min: 100, max: 599 })) }))),
});

const stage = obj({ duration: required(duration), target: required(num({ min: 0 })) });

const scenario = obj({
  executor: required(oneOf('constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations', 'shared-iterations')),
  duration,
  rate: num({ min: 0 }),
  timeUnit: duration,
  startRate: num({ min: 0 }),
  stages: arrayOf(stage, { minItems: 1 }),
  vus: num({ integer: true, min: 1 }),
  startVUs: num({ integer: true, min: 0 }),
  iterations: num({ integer: true, min: 1 }),
  preAllocatedVUs: num({ integer: true, min: 1 }),
  maxVUs: num({ integer: true, min: 1 }),
  maxDuration: duration,
  gracefulStop: duration,
  arrival: oneOf('constant', 'poisson'),
  warmup: duration,
  tags: record(str),
  setup: arrayOf(request),
  requests: required(arrayOf(request, { minItems: 1 })),
  flow: oneOf('weighted', 'sequence'),
  data: anyOf('a CSV/JSON file path or an array of rows', str, arrayOf(record(anyOf('a string or number', str, num())))),
  thresholds,
});

const depRule = obj({
  name: required(str),
  severity: oneOf('critical', 'medium', 'low', 'error', 'warn', 'info'),
  comment: str,
  from: required(obj({ path: globsOrRe(), pathNot: globsOrRe() })),
  to: required(obj({ path: globsOrRe(), pathNot: globsOrRe(), dependencyTypes: arrayOf(str), circular: bool })),
});

function globsOrRe(): Check {
  return anyOf('a path regular expression string or an array of them', str, arrayOf(str));
}

const staticConfig = obj({
  engine: oneOf('native', 'dependency-cruiser'),
  tsconfig: str,
  include: arrayOf(str),
  exclude: arrayOf(str),
  countTypeOnly: bool,
  dependencyCruiserConfig: str,
  rules: obj({ forbidden: arrayOf(depRule), allowed: arrayOf(depRule) }),
  detectors: obj({
    sharedTables: bool,
    mixedResponsibilities: bool,
    circuitBreakers: anyOf('false or { clients, wrappers }', oneOf(false), obj({ clients: arrayOf(str), wrappers: arrayOf(str) })),
    rateLimits: anyOf('false or { middleware }', oneOf(false), obj({ middleware: arrayOf(str) })),
  }),
});

const loadConfig = obj({
  baseUrl: matches(/^https?:\/\/[^\s]+$/, 'an http(s) URL'),
  engine: oneOf('native', 'autocannon', 'k6'),
  scenarios: record(scenario, { key: /^[\w-]+$/, keyWhat: 'letters, digits, _ and -' }),
  run: arrayOf(str),
  thresholds,
  allowDroppedIterations: bool,
  keepSamples: bool,
});

const strictlyIncreasing: Check = (v, p) => {
  arrayOf(num({ integer: true, min: 1 }), { minItems: 1 })(v, p);
  const a = v as number[];
  for (let i = 1; i < a.length; i++) {
    if (a[i] <= a[i - 1]) throw new ConfigError(`must be strictly increasing, but ${a[i]} follows ${a[i - 1]}`, `${p}[${i}]`);
  }
};

const scaleConfig = obj({
  mode: oneOf('workers', 'concurrency'),
  steps: strictlyIncreasing,
  targetN: num({ integer: true, min: 1 }),
  repeats: num({ integer: true, min: 1, max: 20 }),
  warmup: duration,
  duration,
  connections: num({ integer: true, min: 1 }),
  path: matches(/^\//, "a path starting with '/'"),
  maxErrorRate: num({ min: 0, max: 1 }),
  pin: bool,
  foreignCpuBound: num({ min: 0, max: 1 }),
});

const REPORTERS = ['console', 'json', 'junit', 'markdown', 'html', 'prometheus'] as const;

const topLevel = obj({
  name: str,
  root: str,
  services: record(globs, { key: serviceName, keyWhat: 'a letter, then letters, digits, . _ -' }),
  shared: globs,
  allowedDependencies: arrayOf(obj({ from: required(str), to: required(str) })),
  static: staticConfig,
  load: loadConfig,
  scale: scaleConfig,
  fitness: (v, p) => { if (!isPlainObject(v)) throw new ConfigError('must be an object', p); },
  checks: arrayOf(oneOf('static', 'load', 'scale')),
  reporters: arrayOf(oneOf(...REPORTERS)),
  outDir: str,
  baseline: str,
  history: obj({ enabled: bool, file: str }),
  failOn: arrayOf(oneOf('fail', 'error', 'inconclusive')),
});

/**
 * Validates the whole config; throws ConfigError naming the key path of the first problem.
 * `builtinIds` are the built-in fitness function ids: entries with those keys are overrides (any subset of fields, or
 * false); other entries are custom functions and need metric, target and test.
 */
export function validateConfig(raw: unknown, builtinIds: readonly string[]): PitcheyFitConfig {
  if (!isPlainObject(raw)) throw new ConfigError(`the config must export an object (use defineConfig({...})), got ${raw === null ? 'null' : typeof raw}`);
  topLevel(raw, '');
  const fitness = raw.fitness;
  if (isPlainObject(fitness)) {
    for (const [id, entry] of Object.entries(fitness)) {
      const p = `fitness.${id}`;
      if (!/^[A-Za-z_][\w-]*$/.test(id)) throw new ConfigError('is not a valid fitness function id (letters, digits, _ and -)', p);
      if (builtinIds.includes(id)) {
        if (entry === false) continue;
        obj(fitnessFields)(entry, p);
      } else {
        if (entry === false) throw new ConfigError(`'${id}' is not a built-in fitness function, so it cannot be disabled; built-ins: ${builtinIds.join(', ')}`, p);
        obj({ ...fitnessFields, metric: required(str), target: required(target), test: required(fn) })(entry, p);
      }
    }
  }
  const scale = raw.scale as PitcheyFitConfig['scale'];
  if (scale?.targetN !== undefined && scale.steps && !scale.steps.includes(scale.targetN)) {
    throw new ConfigError(`must be one of scale.steps (${scale.steps.join(', ')}), got ${scale.targetN}`, 'scale.targetN');
  }
  const load = raw.load as PitcheyFitConfig['load'];
  if (load?.run && load.scenarios) {
    for (const [i, name] of load.run.entries()) {
      if (!(name in load.scenarios)) throw new ConfigError(`names no scenario '${name}'; defined: ${Object.keys(load.scenarios).join(', ') || 'none'}`, `load.run[${i}]`);
    }
  }
  return raw as PitcheyFitConfig;
}
