/**
 * The config, defined once: TypeScript types (types.ts), validation with one-line key-path messages (validate.ts)
 * and the published schema/config.schema.json all derive from these zod schemas.
 */
import * as z from 'zod';
import type { FitnessFunction } from '../core/fitness-function.js';
import { checkTarget } from '../core/target.js';
import { REPORTER_NAMES, type ReporterName } from '../report/reporter-names.js';
import { closest, mustBe } from './config-issues.js';
import { domainStaticConfigShape } from './schema-domain.js';
import { checkMetricReference, checkThresholdExpression } from './threshold-grammar.js';

/** k6 duration strings: '500ms', '30s', '1m30s', '2h'. */
export const K6_DURATION_RE = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

const str = z.string().min(1);
const bool = z.boolean();
const num = z.number();
const int = z.int();
const httpStatus = z.int().min(100).max(599);
const duration = z
  .string()
  .min(1)
  .regex(K6_DURATION_RE, { error: mustBe("a k6 duration like '30s' or '1m30s'") });
const urlPath = z
  .string()
  .min(1)
  .regex(/^\//, { error: mustBe("a path starting with '/'") });
const globs = z.union([str, z.array(str).min(1)], { error: mustBe('a glob string or an array of glob strings') });
const stringMap = z.record(z.string(), str);
const fn = z.custom<FitnessFunction['test']>((v) => typeof v === 'function', { error: mustBe('a function') });

const target = z
  .union([z.string(), z.number(), z.boolean()], {
    // zod's number() refuses Infinity and NaN before checkTarget could say why.
    error: (issue) =>
      typeof issue.input === 'number'
        ? (checkTarget(issue.input) as string)
        : mustBe("a comparison like '< 3' or '<= 200ms', a number or a boolean")(issue),
  })
  .superRefine((v, ctx) => {
    const parsed = checkTarget(v);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed, input: v });
  });

// ---- thresholds (k6 syntax), checked with the same grammar the load engines evaluate

const thresholdExpression = z.string().superRefine((v, ctx) => {
  const parsed = checkThresholdExpression(v);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem, input: v });
});

export const ThresholdConfigSchema = z.strictObject({
  threshold: thresholdExpression,
  abortOnFail: bool.optional(),
  delayAbortEval: duration.optional(),
});
export type ThresholdConfig = z.input<typeof ThresholdConfigSchema>;

const metricReference = z.string().superRefine((v, ctx) => {
  const parsed = checkMetricReference(v);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem, input: v });
});

const thresholds = z
  .record(
    metricReference,
    z
      .array(
        z.union([thresholdExpression, ThresholdConfigSchema], {
          error: mustBe("a k6 threshold string like 'p(99)<200' or { threshold, abortOnFail, delayAbortEval }"),
        }),
      )
      .min(1),
  )
  .describe("k6 thresholds: metric (optionally with tags) -> expressions, e.g. { http_req_duration: ['p(99)<200'] }.")
  .meta({ id: 'thresholdsConfig' });

// ---- load

export const RequestConfigSchema = z
  .strictObject({
    name: str.optional(),
    group: str.optional(),
    weight: num.min(0).optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).optional(),
    path: urlPath.describe("Path template, e.g. '/api/pitches/${data.pitchId}'."),
    headers: stringMap.optional(),
    body: z.unknown().optional(),
    checks: z
      .array(
        z.strictObject({
          name: str,
          status: z
            .union([httpStatus, z.array(httpStatus)], { error: mustBe('an HTTP status or a list of them') })
            .optional(),
          jsonPath: str.optional(),
          equals: z.unknown().optional(),
          contains: str.optional(),
        }),
      )
      .optional()
      .describe('Checks on the response, k6 style: status, body JSON path equals, body contains.'),
    capture: stringMap
      .optional()
      .describe("Captures from the JSON response into VU variables, e.g. { token: 'data.token' }."),
    tags: stringMap.optional(),
    expectedStatuses: z
      .array(
        z.union([httpStatus, z.strictObject({ min: httpStatus, max: httpStatus })], {
          error: mustBe('an HTTP status or { min, max }'),
        }),
      )
      .optional()
      .describe(
        'Statuses that count as success in http_req_failed (k6 `expectedStatuses`); default 200–399. Numbers or ' +
          'inclusive ranges, e.g. [201, 409] for an idempotent create that may conflict, or [{ min: 200, max: 299 }].',
      ),
    redirects: int.min(0).max(100).optional().describe("Redirects to follow (k6 maxRedirects); default: scenario's"),
  })
  .meta({ id: 'requestConfig' });
export type RequestConfig = z.input<typeof RequestConfigSchema>;

export const ExecutorNameSchema = z.enum([
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'constant-vus',
  'ramping-vus',
  'per-vu-iterations',
  'shared-iterations',
]);
export type ExecutorName = z.input<typeof ExecutorNameSchema>;

export const StageSchema = z.strictObject({ duration, target: num.min(0) });
export type Stage = z.input<typeof StageSchema>;

export const ScenarioConfigSchema = z
  .strictObject({
    executor: ExecutorNameSchema,
    duration: duration.optional().describe("Durations in k6 form: '30s', '1m30s'."),
    rate: num.min(0).optional(),
    timeUnit: duration.optional(),
    startRate: num.min(0).optional(),
    stages: z.array(StageSchema).min(1).optional(),
    vus: int.min(1).optional(),
    startVUs: int.min(0).optional(),
    iterations: int.min(1).optional(),
    preAllocatedVUs: int.min(1).optional(),
    maxVUs: int.min(1).optional(),
    maxDuration: duration.optional(),
    gracefulStop: duration.optional(),
    arrival: z.enum(['constant', 'poisson']).optional().describe('Arrival pacing of open-model executors.'),
    warmup: duration
      .optional()
      .describe(
        "Not k6: run the scenario's load for this long before measuring (JIT, connections, caches); its samples are " +
          "discarded. Open model: at the scenario's average rate; closed model: with its initial VUs. Default none.",
      ),
    tags: stringMap.optional(),
    setup: z
      .array(RequestConfigSchema)
      .optional()
      .describe('Runs once per VU before its iterations (e.g. sign-in); values it captures are visible to requests.'),
    requests: z
      .array(RequestConfigSchema)
      .min(1)
      .describe("Weighted requests; each iteration picks one by weight (or runs all in order when flow: 'sequence')."),
    flow: z.enum(['weighted', 'sequence']).optional(),
    redirects: int.min(0).max(100).optional().describe('Redirects a request follows (k6 maxRedirects); default 10'),
    data: z
      .union([str, z.array(z.record(z.string(), z.union([str, num], { error: mustBe('a string or number') })))], {
        error: mustBe('a CSV/JSON file path or an array of rows'),
      })
      .optional()
      .describe('Data rows for `${data.column}` templates; a file path (CSV/JSON) or inline rows.'),
    thresholds: thresholds.optional(),
  })
  .meta({ id: 'scenarioConfig' });
export type ScenarioConfig = z.input<typeof ScenarioConfigSchema>;

export const LoadConfigSchema = z.strictObject({
  baseUrl: z
    .string()
    .min(1)
    .regex(/^https?:\/\/[^\s]+$/, { error: mustBe('an http(s) URL') })
    .optional()
    .describe('Base URL of the system under test. Default: the bundled platform, started by pitchey-fit.'),
  engine: z.enum(['native', 'autocannon', 'k6']).optional(),
  scenarios: z
    .record(
      z.string().regex(/^[\w-]+$/, { error: 'is not a valid name (letters, digits, _ and -)' }),
      ScenarioConfigSchema,
    )
    .optional(),
  run: z.array(str).optional().describe('Scenario names `check` runs (default: all).'),
  thresholds: thresholds.optional().describe('k6 thresholds applied to every scenario.'),
  allowDroppedIterations: bool
    .optional()
    .describe('A p99 verdict may pass although iterations were dropped. Default false.'),
  keepSamples: bool.optional(),
});
export type LoadConfig = z.input<typeof LoadConfigSchema>;

// ---- static

const pathPatterns = z.union([str, z.array(str)], {
  error: mustBe('a path regular expression string or an array of them'),
});

/** A dependency rule in dependency-cruiser's shape (a subset: path / pathNot, and dependencyTypes). */
export const DependencyRuleSchema = z
  .strictObject({
    name: str,
    severity: z.enum(['critical', 'medium', 'low', 'error', 'warn', 'info']).optional(),
    comment: str.optional(),
    from: z.strictObject({ path: pathPatterns.optional(), pathNot: pathPatterns.optional() }),
    to: z.strictObject({
      path: pathPatterns.optional(),
      pathNot: pathPatterns.optional(),
      dependencyTypes: z.array(str).optional(),
      dependencyTypesNot: z.array(str).optional(),
      circular: bool.optional(),
    }),
  })
  .meta({ id: 'dependencyRule' });
export type DependencyRule = z.input<typeof DependencyRuleSchema>;

export const StaticConfigSchema = z.strictObject({
  engine: z.enum(['native', 'dependency-cruiser']).optional(),
  tsconfig: str.optional().describe('tsconfig for files without a nearer one.'),
  include: z.array(str).optional(),
  exclude: z.array(str).optional(),
  countTypeOnly: bool
    .optional()
    .describe('Count type-only imports too in autonomy/coupling (default: value imports only).'),
  dependencyCruiserConfig: str
    .optional()
    .describe('Path of a dependency-cruiser config whose forbidden/allowed/required rules become fitness rules.'),
  entry: z
    .array(str)
    .optional()
    .describe('Globs of the entry points. Default: package.json main/bin/exports, wrangler main, conventions.'),
  scope: z
    .enum(['live', 'all'])
    .optional()
    .describe('Judge modules reachable from an entry point (live, default) or every module (all).'),
  cycleLimit: z.int().min(1).optional().describe('Cap on elementary cycles enumerated per edge set (default 1000).'),
  ...domainStaticConfigShape,
  rules: z
    .strictObject({
      forbidden: z.array(DependencyRuleSchema).optional(),
      allowed: z.array(DependencyRuleSchema).optional(),
    })
    .optional(),
  detectors: z
    .strictObject({
      sharedTables: bool.optional().describe('false: same as static.tables: false (table ownership off).'),
      mixedResponsibilities: bool.optional(),
      circuitBreakers: z
        .union(
          [z.literal(false), z.strictObject({ clients: z.array(str).optional(), wrappers: z.array(str).optional() })],
          {
            error: mustBe('false or { clients, wrappers }'),
          },
        )
        .optional(),
      rateLimits: z
        .union([z.literal(false), z.strictObject({ middleware: z.array(str).optional() })], {
          error: mustBe('false or { middleware }'),
        })
        .optional(),
    })
    .optional(),
});
export type StaticConfig = z.input<typeof StaticConfigSchema>;

// ---- scale

export const ScaleConfigSchema = z.strictObject({
  mode: z
    .enum(['workers', 'concurrency', 'command'])
    .optional()
    .describe(
      'What N means: workers of the bundled platform, client concurrency against `load.baseUrl`, or replicas that ' +
        '`scale.replicas.command` sets (a real system behind `load.baseUrl`).',
    ),
  steps: z
    .array(int.min(1))
    .min(1)
    .superRefine((steps, ctx) => {
      for (let i = 1; i < steps.length; i++) {
        if (steps[i] <= steps[i - 1]) {
          const message = `must be strictly increasing, but ${steps[i]} follows ${steps[i - 1]}`;
          ctx.addIssue({ code: 'custom', message, path: [i], input: steps });
          return;
        }
      }
    })
    .optional()
    .describe('Strictly increasing list of N, e.g. [1, 2, 4].'),
  targetN: int
    .min(1)
    .optional()
    .describe('N at which efficiency is judged (default: the largest step within the core count).'),
  repeats: int.min(1).max(20).optional(),
  warmup: duration.optional(),
  duration: duration.optional(),
  connections: int.min(1).optional().describe('Concurrent connections per N step for worker sweeps (closed model).'),
  path: urlPath
    .optional()
    .describe("Request path of the sweep (closed-model GETs via autocannon), e.g. '/api/pitches/public?tab=new'."),
  maxErrorRate: num
    .min(0)
    .max(1)
    .optional()
    .describe('A step fails when its error rate exceeds this (0..1). Default 0.01.'),
  pin: bool
    .optional()
    .describe(
      'Pin the load generator and the system under test to separate cores with `taskset` (Linux). Default true.',
    ),
  foreignCpuBound: num
    .min(0)
    .max(1)
    .optional()
    .describe("Flag a step when processes outside the run used more than this share of the machine's CPU (0..1)."),
  engine: z
    .enum(['autocannon', 'native'])
    .optional()
    .describe("Closed-model generator per step (default 'autocannon')."),
  measure: z
    .enum(['closed-max', 'capacity'])
    .optional()
    .describe(
      "How X(N) is measured per step: 'closed-max' (default), the closed-model maximum; 'capacity', a capacity " +
        'search per step (native engine, open model): the highest arrival rate meeting the SLO. With it, repeats ' +
        'are trials per rate and duration/warmup are per trial.',
    ),
  capacity: z
    .strictObject({
      slo: z
        .strictObject({
          p99Ms: num.gt(0).optional().describe('p99 must stay below this, ms (default: capacity.slo.p99Ms, else 200).'),
          maxErrorRate: num
            .min(0)
            .max(1)
            .optional()
            .describe('Error rate must stay below this (default: capacity.slo.maxErrorRate, else 0.01).'),
        })
        .optional(),
      startRate: num.gt(0).optional().describe('First rate tried at the first step, req/s (default 100).'),
      maxRate: num.gt(0).optional().describe('Rate ceiling of every step, req/s (default 5000).'),
      precision: num.gt(0).max(1).optional().describe('Bisect until (high − low) / low ≤ this (default 0.1).'),
      budget: duration
        .optional()
        .describe("Wall-time budget of each step's search (default '30s'); past it X(N) is a lower bound."),
    })
    .optional()
    .describe("measure 'capacity': the SLO, rates and the per-step time budget."),
  cpuQuota: z
    .union([
      z.literal(false),
      z.strictObject({
        unitCpus: num.gt(0).max(64).describe('CPU budget of each worker, in cores (e.g. 0.1).'),
        sharedCpus: num.gt(0).max(64).describe('CPU budget of the shared primary (the database), in cores.'),
        period: duration.optional().describe("Quota period (default '100ms', as Kubernetes)."),
      }),
    ])
    .optional()
    .describe('Workers mode: the scale model, each worker and the primary in its own CPU-quota cgroup; false: off.'),
  replicas: z
    .strictObject({
      command: str.describe(
        "Sets the replica count: '{n}' is replaced, e.g. 'kubectl scale deploy/api --replicas={n}'.",
      ),
      readyUrl: z.url().optional().describe('Polled until it answers 2xx before each step is measured.'),
      readyCommand: str.optional().describe("Run until it exits 0 before each step ('{n}' is replaced)."),
      readyTimeout: duration.optional().describe("How long to wait for readiness (default '120s')."),
    })
    .optional()
    .describe("Mode 'command': how to set the replica count of the system behind load.baseUrl and await it."),
});
export type ScaleConfig = z.input<typeof ScaleConfigSchema>;

// ---- capacity

export const CapacityConfigSchema = z.strictObject({
  scenario: str.optional().describe('Load scenario whose requests are offered at each rate (default: the first).'),
  slo: z
    .strictObject({
      p99Ms: num.gt(0).optional().describe('p99 must stay below this, ms (default 200).'),
      maxErrorRate: num.min(0).max(1).optional().describe('Error rate must stay below this (default 0.01).'),
    })
    .optional(),
  startRate: num.gt(0).optional().describe('First rate tried, req/s (default 100); doubled or halved to bracket.'),
  maxRate: num.gt(0).optional().describe('Rate ceiling, req/s (default 5000).'),
  repeats: int.min(1).max(10).optional().describe('Trials per rate; all must meet the SLO (default 2).'),
  precision: num.gt(0).max(1).optional().describe('Bisect until (high − low) / low ≤ this (default 0.1).'),
  trial: duration.optional().describe("Measured length of one trial (default '2s')."),
  warmup: duration.optional().describe("Warm-up before each trial (default '1s')."),
  timeBudget: duration.optional().describe("Wall-time budget of the whole search (default '40s')."),
  traffic: z
    .strictObject({
      requestsPerUserPerSec: num.gt(0).describe('Requests one active user sends per second.'),
      targetUsers: num.gt(0).optional().describe('Users to serve: gives the instances needed (with the USL fit).'),
    })
    .optional(),
});
export type CapacityConfig = z.input<typeof CapacityConfigSchema>;

// ---- fitness functions

const fitnessFields = {
  metric: str,
  target,
  current: z.union([num, bool], { error: mustBe('a number or a boolean') }),
  description: str,
  unit: z.string(),
  adr: str,
  severity: z.enum(['critical', 'medium', 'low']),
  needs: z.array(z.enum(['static', 'load', 'scale', 'capacity', 'custom'])),
  test: fn,
};

/** A user's function: metric, target and test are required. */
export const FitnessFunctionSchema = z.strictObject({
  ...fitnessFields,
  current: fitnessFields.current.optional(),
  description: fitnessFields.description.optional(),
  unit: fitnessFields.unit.optional(),
  adr: fitnessFields.adr.optional(),
  severity: fitnessFields.severity.optional(),
  needs: fitnessFields.needs.optional(),
});

/** A built-in function overridden field by field, or disabled with `false`. */
export const FitnessOverrideSchema = z
  .union([z.literal(false), z.strictObject(fitnessFields).partial()], {
    error: mustBe('an object or false'),
  })
  .meta({ id: 'fitnessOverride' });

const FITNESS_ID_RE = /^[A-Za-z_][\w-]*$/;

/** Entries named like a built-in are overrides; any other key is a custom function. */
function fitnessSchema(builtinIds: readonly string[]) {
  const builtins = Object.fromEntries(builtinIds.map((id) => [id, FitnessOverrideSchema.optional()]));
  return z
    .object(builtins)
    .catchall(z.union([z.literal(false), FitnessFunctionSchema], { error: mustBe('an object') }))
    .superRefine((entries, ctx) => {
      for (const [id, entry] of Object.entries(entries)) {
        if (builtinIds.includes(id)) continue;
        if (!FITNESS_ID_RE.test(id)) {
          ctx.addIssue({
            code: 'custom',
            path: [id],
            message: 'is not a valid fitness function id (letters, digits, _ and -)',
            input: id,
          });
        } else if (entry === false) {
          const message =
            `'${id}' is not a built-in fitness function, so it cannot be disabled; ` +
            `built-ins: ${builtinIds.join(', ')}`;
          ctx.addIssue({ code: 'custom', path: [id], message, input: entry });
        }
      }
    });
}

// ---- the whole config

// The one list of reporter names (src/report/reporter-names.ts imports nothing, so the config may read it).
const REPORTERS = REPORTER_NAMES as [ReporterName, ...ReporterName[]];

const configShape = {
  $schema: z
    .string()
    .optional()
    .describe('JSON configs: the JSON Schema for editor completion, e.g. schema/config.schema.json.'),
  name: str.optional().describe('Name of the system under test, shown in reports. Default: the folder name.'),
  root: str
    .optional()
    .describe("Root of the repository to analyse, relative to the config file. Default: the config file's folder."),
  services: z
    .record(
      z.string().regex(/^[A-Za-z][\w.-]*$/, { error: 'is not a valid name (a letter, then letters, digits, . _ -)' }),
      globs,
    )
    .optional()
    .describe("Service name -> path globs (relative to root), e.g. { user: 'platform/services/user/**' }."),
  shared: globs
    .optional()
    .describe(
      'Modules outside every service that services may import (contracts, shared kernel, infrastructure libs).',
    ),
  allowedDependencies: z
    .array(z.strictObject({ from: str, to: str }))
    .optional()
    .describe(
      "Service-to-service value dependencies that are allowed (`*` wildcard), e.g. [{ from: 'gateway', to: '*' }].",
    ),
  static: StaticConfigSchema.optional(),
  load: LoadConfigSchema.optional(),
  scale: ScaleConfigSchema.optional(),
  capacity: CapacityConfigSchema.optional(),
  fitness: z
    .record(z.string(), z.union([FitnessOverrideSchema, FitnessFunctionSchema]))
    .optional()
    .describe(
      'Fitness functions. Built-ins (serviceAutonomy, serviceCoupling, noCycles, p99Latency, scalingEfficiency, …) ' +
        'may be overridden field by field or disabled with `false`; any other key is a custom function and needs ' +
        '`metric`, `target` and `test`.',
    ),
  checks: z
    .array(z.enum(['static', 'load', 'scale', 'capacity']))
    .optional()
    .describe(
      'Which kinds `check` runs. Default: static and load and scale when configured (the bundled platform: all).',
    ),
  reporters: z.array(z.enum(REPORTERS)).optional(),
  outDir: str.optional(),
  baseline: str.optional().describe('Baseline file of accepted violations (see `pitchey-fit baseline`).'),
  history: z.strictObject({ enabled: bool.optional(), file: str.optional() }).optional(),
  failOn: z
    .array(z.enum(['fail', 'error', 'inconclusive']))
    .optional()
    .describe("Gate level: which verdicts fail the run. Default ['fail', 'error']."),
};

/** The config's shape, for types: fitness entries are typed as overrides or functions, whichever the id. */
export const ConfigSchema = z.strictObject(configShape);
export type PitcheyFitConfig = z.input<typeof ConfigSchema>;

/** The config as validated: fitness ids are known (built-ins vs custom), and cross-field rules apply. */
export function configSchema(builtinIds: readonly string[]) {
  return z
    .strictObject({
      ...configShape,
      fitness: fitnessSchema(builtinIds).optional().describe(configShape.fitness.description!),
    })
    .superRefine((config, ctx) => {
      const scale = config.scale;
      if (scale?.targetN !== undefined && scale.steps && !scale.steps.includes(scale.targetN)) {
        const message = `must be one of scale.steps (${scale.steps.join(', ')}), got ${scale.targetN}`;
        ctx.addIssue({ code: 'custom', path: ['scale', 'targetN'], message, input: scale.targetN });
      }
      if (scale?.measure === 'capacity' && scale.mode === 'concurrency') {
        const message = "'capacity' needs N to be instances (mode 'workers' or 'command'), not client connections";
        ctx.addIssue({ code: 'custom', path: ['scale', 'measure'], message, input: scale.measure });
      }
      if (scale?.measure === 'capacity' && scale.engine === 'autocannon') {
        const message = "autocannon has no open model; scale.measure 'capacity' runs the native engine";
        ctx.addIssue({ code: 'custom', path: ['scale', 'engine'], message, input: scale.engine });
      }
      if (scale?.capacity && scale.measure !== 'capacity') {
        const message = "applies only with scale.measure: 'capacity'";
        ctx.addIssue({ code: 'custom', path: ['scale', 'capacity'], message, input: scale.capacity });
      }
      const load = config.load;
      if (load?.run && load.scenarios) {
        const defined = Object.keys(load.scenarios);
        for (const [i, name] of load.run.entries()) {
          if (defined.includes(name)) continue;
          const message = `names no scenario '${name}'; defined: ${defined.join(', ') || 'none'}`;
          ctx.addIssue({ code: 'custom', path: ['load', 'run', i], message, input: name });
        }
      }
      const services = Object.keys(config.services ?? {});
      for (const [i, rule] of (config.allowedDependencies ?? []).entries()) {
        for (const end of ['from', 'to'] as const) {
          const problem = serviceNameProblem(rule[end], services);
          if (problem)
            ctx.addIssue({ code: 'custom', path: ['allowedDependencies', i, end], message: problem, input: rule[end] });
        }
      }
    });
}

/** Why `pattern` (a service name, or a `*` wildcard) names no configured service; undefined when it names one. */
function serviceNameProblem(pattern: string, services: readonly string[]): string | undefined {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  if (services.some((s) => re.test(s))) return undefined;
  const hint = pattern.includes('*') ? undefined : closest(pattern, services);
  const defined = services.join(', ') || 'none';
  return `names no service '${pattern}'${hint ? ` (did you mean '${hint}'?)` : ''}; services: ${defined}`;
}
