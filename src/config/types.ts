import type { FitnessFunction, FitnessOverride } from '../core/fitness-function.js';
import type { Severity } from '../core/result.js';

/** The config file's shape: `export default defineConfig({...})` in pitchey-fit.config.ts (or .js / .json). */
export interface PitcheyFitConfig {
  /** Name of the system under test, shown in reports. Default: the folder name. */
  name?: string;
  /** Root of the repository to analyse, relative to the config file. Default: the config file's folder. */
  root?: string;
  /** Service name -> path globs (relative to root), e.g. { user: 'platform/services/user/**' }. */
  services?: Record<string, string | string[]>;
  /** Modules outside every service that services may import (contracts, shared kernel, infrastructure libs). */
  shared?: string | string[];
  /** Service-to-service value dependencies that are allowed, e.g. [{ from: 'gateway', to: '*' }]. */
  allowedDependencies?: Array<{ from: string; to: string }>;
  static?: StaticConfig;
  load?: LoadConfig;
  scale?: ScaleConfig;
  /**
   * Fitness functions. Built-ins (serviceAutonomy, serviceCoupling, noCycles, p99Latency, scalingEfficiency, …) may be
   * overridden field by field or disabled with `false`; any other key is a custom function and needs `metric`,
   * `target` and `test`.
   */
  fitness?: Record<string, FitnessOverride | FitnessFunction>;
  /** Which kinds `check` runs. Default: static and load and scale when configured (the bundled platform: all). */
  checks?: Array<'static' | 'load' | 'scale'>;
  reporters?: string[];
  outDir?: string;
  /** Baseline file of accepted violations (see `pitchey-fit baseline`). */
  baseline?: string;
  history?: { enabled?: boolean; file?: string };
  /** Gate level: which verdicts fail the run. Default ['fail']. */
  failOn?: Array<'fail' | 'error' | 'inconclusive'>;
}

export interface StaticConfig {
  engine?: 'native' | 'dependency-cruiser';
  /** tsconfig for files without a nearer one. */
  tsconfig?: string;
  include?: string[];
  exclude?: string[];
  /** Count type-only imports too in autonomy/coupling (default: value imports only). */
  countTypeOnly?: boolean;
  /** Path of a dependency-cruiser config whose forbidden/allowed/required rules become fitness rules. */
  dependencyCruiserConfig?: string;
  rules?: {
    forbidden?: DependencyRule[];
    allowed?: DependencyRule[];
  };
  detectors?: {
    sharedTables?: boolean;
    mixedResponsibilities?: boolean;
    circuitBreakers?: false | { clients?: string[]; wrappers?: string[] };
    rateLimits?: false | { middleware?: string[] };
  };
}

/** A dependency rule in dependency-cruiser's shape (a subset: path / pathNot, and dependencyTypes). */
export interface DependencyRule {
  name: string;
  severity?: Severity | 'error' | 'warn' | 'info';
  comment?: string;
  from: { path?: string | string[]; pathNot?: string | string[] };
  to: { path?: string | string[]; pathNot?: string | string[]; dependencyTypes?: string[]; dependencyTypesNot?: string[]; circular?: boolean };
}

export interface LoadConfig {
  /** Base URL of the system under test. Default: the bundled platform, started by pitchey-fit. */
  baseUrl?: string;
  engine?: 'native' | 'autocannon' | 'k6';
  scenarios?: Record<string, ScenarioConfig>;
  /** Scenario names `check` runs (default: all). */
  run?: string[];
  /** k6 thresholds applied to every scenario, e.g. { http_req_duration: ['p(99)<200'] }. */
  thresholds?: Record<string, Array<string | ThresholdConfig>>;
  /** A p99 verdict may pass although iterations were dropped. Default false. */
  allowDroppedIterations?: boolean;
  keepSamples?: boolean;
}

export interface ThresholdConfig {
  threshold: string;
  abortOnFail?: boolean;
  delayAbortEval?: string;
}

export type ExecutorName =
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate'
  | 'constant-vus'
  | 'ramping-vus'
  | 'per-vu-iterations'
  | 'shared-iterations';

export interface Stage {
  duration: string;
  target: number;
}

export interface ScenarioConfig {
  executor: ExecutorName;
  /** Durations in k6 form: '30s', '1m30s'. */
  duration?: string;
  rate?: number;
  timeUnit?: string;
  startRate?: number;
  stages?: Stage[];
  vus?: number;
  startVUs?: number;
  iterations?: number;
  preAllocatedVUs?: number;
  maxVUs?: number;
  maxDuration?: string;
  gracefulStop?: string;
  /** Arrival pacing of open-model executors. */
  arrival?: 'constant' | 'poisson';
  /**
   * Not k6: run the scenario's load for this long before measuring (JIT, connections, caches); its samples are
   * discarded. Open model: at the scenario's average rate; closed model: with its initial VUs. Default none.
   */
  warmup?: string;
  tags?: Record<string, string>;
  /** Runs once per VU before its iterations (e.g. sign-in); values it captures are visible to requests. */
  setup?: RequestConfig[];
  /** Weighted requests; each iteration picks one by weight (or runs all in order when `flow: 'sequence'`). */
  requests: RequestConfig[];
  flow?: 'weighted' | 'sequence';
  /** Data rows for `${data.column}` templates; a file path (CSV/JSON) or inline rows. */
  data?: string | Array<Record<string, string | number>>;
  thresholds?: Record<string, Array<string | ThresholdConfig>>;
}

export interface RequestConfig {
  name?: string;
  group?: string;
  weight?: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Path template, e.g. '/api/pitches/${data.pitchId}'. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Checks on the response, k6 style: status, body JSON path equals, body contains. */
  checks?: Array<{ name: string; status?: number | number[]; jsonPath?: string; equals?: unknown; contains?: string }>;
  /** Captures from the JSON response into VU variables, e.g. { token: 'data.token' }. */
  capture?: Record<string, string>;
  tags?: Record<string, string>;
  /**
   * Statuses that count as success in http_req_failed (k6 `expectedStatuses`); default 200–399. Numbers or inclusive
   * ranges, e.g. [201, 409] for an idempotent create that may conflict, or [{ min: 200, max: 299 }].
   */
  expectedStatuses?: Array<number | { min: number; max: number }>;
}

export interface ScaleConfig {
  /** What N means: workers of the bundled platform, or client concurrency against `load.baseUrl`. */
  mode?: 'workers' | 'concurrency';
  /** Strictly increasing list of N, e.g. [1, 2, 4]. */
  steps?: number[];
  /** N at which efficiency is judged (default: the largest step within the core count). */
  targetN?: number;
  repeats?: number;
  warmup?: string;
  duration?: string;
  /** Concurrent connections per N step for worker sweeps (closed model). */
  connections?: number;
  /** A step fails when its error rate exceeds this (0..1). Default 0.01. */
  maxErrorRate?: number;
  /** Request path of the sweep (closed-model GETs via autocannon), e.g. '/api/pitches/public?tab=new'. */
  path?: string;
  /** Pin the load generator and the system under test to separate cores with `taskset` (Linux). Default true. */
  pin?: boolean;
  /** Flag a step when processes outside the run used more than this share of the machine's CPU (0..1). Default 0.2. */
  foreignCpuBound?: number;
}

export function defineConfig(config: PitcheyFitConfig): PitcheyFitConfig {
  return config;
}
