import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { gateExitCode, type FailOn } from '../core/gate.js';
import { ExitCode } from '../core/exit-codes.js';
import { InputError, UsageError } from '../core/errors.js';
import type { LoadSection, Result, ScaleSection } from '../core/result.js';
import {
  checkLoadOverrides,
  collectorNames,
  resolveConfig,
  runResolved,
  type CollectFlags,
  type CollectorName,
  type ResolvedConfig,
} from '../run/index.js';
import type { CliState } from './cli-state.js';
import type { GlobalFlags } from './io.js';
import { emitResult, parseReporters } from './emit.js';
import { appendHistory, readHistory } from './history.js';
import { checkOutputTargets, parsePushgatewayUrl } from '../output/output-targets.js';

export interface RunFlags extends GlobalFlags {
  staticEngine?: CollectFlags['staticEngine'];
  since?: string;
  engine?: CollectFlags['loadEngine'];
  baseUrl?: string;
  scenario?: string[];
  compare?: string;
  failOn?: string;
  baseline?: string;
  updateBaseline?: boolean;
  history?: boolean;
  promFile?: string;
  pushgateway?: string;
  seedUsers?: string;
  seedPitches?: string;
  keepSamples?: boolean;
  functionTimeout?: string;
  vus?: string;
  duration?: string;
  iterations?: string;
  rate?: string;
}

/** `--fail-on fail,error`; an empty value is a usage error, not "the default". */
export function parseFailOn(text: string | undefined, fallback: readonly FailOn[] | undefined): FailOn[] | undefined {
  if (text === undefined) return fallback ? [...fallback] : undefined;
  const levels = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (levels.length === 0) throw new UsageError(`--fail-on needs at least one level: fail, error, inconclusive`);
  for (const l of levels) {
    if (!['fail', 'error', 'inconclusive'].includes(l))
      throw new UsageError(`--fail-on: unknown level '${l}'; use fail, error, inconclusive`);
  }
  return levels as FailOn[];
}

/** `--only static,load`; an empty value is a usage error. */
export function parseKinds(text: string | undefined, flag: string): CollectorName[] | undefined {
  if (text === undefined) return undefined;
  const known = collectorNames();
  const kinds = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (kinds.length === 0) throw new UsageError(`${flag} needs at least one of: ${known.join(', ')}`);
  for (const k of kinds)
    if (!known.includes(k as CollectorName))
      throw new UsageError(`${flag}: unknown kind '${k}'; use ${known.join(', ')}`);
  return kinds as CollectorName[];
}

function parseCompare(text: string | undefined): 'last' | 'last-pass' | undefined {
  if (text === undefined || text === 'last' || text === 'last-pass') return text;
  throw new UsageError(`--compare must be 'last' or 'last-pass', got '${text}'`);
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got '${text}'`);
  return n;
}

function positiveNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || text.trim() === '')
    throw new UsageError(`${flag} must be a number above 0, got '${text}'`);
  return n;
}

/** k6's run overrides, checked before anything starts; undefined when none is given. */
function loadOverrides(flags: RunFlags): CollectFlags['loadOverrides'] {
  const o = {
    vus: positiveInt(flags.vus, '--vus'),
    duration: flags.duration,
    iterations: positiveInt(flags.iterations, '--iterations'),
    rate: positiveNumber(flags.rate, '--rate'),
  };
  if (Object.values(o).every((v) => v === undefined)) return undefined;
  checkLoadOverrides(o);
  return o;
}

function positiveSeconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || text.trim() === '')
    throw new UsageError(`${flag} must be a positive number of seconds, got '${text}'`);
  return n * 1000;
}

/** Options shared by check / static / load / scale. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--compare <which>', 'compare with the history: last | last-pass (marks regressions)')
    .option('--fail-on <levels>', 'verdicts that fail the gate: fail,error,inconclusive (default fail,error)')
    .option('--baseline <file>', 'baseline of accepted violations (default: config baseline)')
    .option('--update-baseline', 'drop baseline entries whose violations are gone')
    .option('--no-history', 'do not append this run to the local history store')
    .option('--prom-file <file>', 'also write Prometheus metrics to this textfile (node_exporter textfile collector)')
    .option('--pushgateway <url>', 'also push metrics to a Prometheus Pushgateway')
    .option(
      '--function-timeout <seconds>',
      "each fitness function's test() must finish within this time, else verdict error (default 60)",
    );
}

export function addCollectOptions(cmd: Command, kinds: CollectorName[]): Command {
  if (kinds.includes('static'))
    cmd
      .addOption(
        new Option('--static-engine <engine>', 'static graph engine').choices(['native', 'dependency-cruiser']),
      )
      .option('--since <date>', 'change coupling: git history since this date ("6 months ago", "2026-01-01")');
  if (kinds.includes('load') || kinds.includes('scale') || kinds.includes('capacity')) {
    cmd
      .option(
        '--base-url <url>',
        'system under test (default: load.baseUrl, else the bundled platform started for the run)',
      )
      .option('--seed-users <n>', 'users seeded into the bundled platform (default 200)')
      .option('--seed-pitches <n>', 'pitches seeded into the bundled platform (default 500)');
  }
  if (kinds.includes('load')) {
    cmd
      .addOption(new Option('--engine <engine>', 'load engine').choices(['native', 'autocannon', 'k6']))
      .option('--scenario <name>', 'run only this scenario (repeatable)', (v: string, p: string[] = []) => [...p, v])
      .option('--keep-samples', 'keep raw latency samples (exact k6-rule percentiles; larger files)')
      .option(
        '--vus <n>',
        'k6-style override for every selected scenario: VUs (arrival-rate: preAllocatedVUs); ' +
          'scale: connections per worker',
      )
      .option(
        '--duration <d>',
        'k6-style override: duration like 30s or 1m30s (ramps keep their shape); ' +
          "scale: each step's measured run; capacity: each trial",
      )
      .option(
        '--iterations <n>',
        'k6-style override: total iterations (closed-model scenarios become shared-iterations); load only',
      )
      .option(
        '--rate <per-second>',
        "k6-style override: iterations per second of arrival-rate scenarios (a ramp's peak); load only",
      );
  } else if (kinds.includes('scale') || kinds.includes('capacity')) {
    // The k6 flags exist here so that those without a meaning for the steps are refused by name, not as unknown.
    const what = kinds.includes('scale') ? "each step's measured run" : 'each trial';
    cmd
      .option('--duration <d>', `k6-style override: ${what}, like 1s or 30s`)
      .option(
        '--vus <n>',
        kinds.includes('scale') ? 'closed-model connections per worker or replica' : 'not applicable (refused)',
      )
      .option('--iterations <n>', 'not applicable to step-based measurement (refused)')
      .option('--rate <per-second>', 'not applicable: the steps choose their rates (refused)');
  }
  return cmd;
}

function baselineOption(resolved: ResolvedConfig, flags: RunFlags): { file: string; update: boolean } | undefined {
  const file = flags.baseline ? path.resolve(flags.baseline) : resolved.baselineFile;
  if (!file) {
    if (flags.updateBaseline)
      throw new UsageError('--update-baseline needs a baseline file (--baseline <file> or the config key baseline)');
    return undefined;
  }
  if (!fs.existsSync(file))
    throw new InputError(
      `baseline ${path.relative(process.cwd(), file) || file} does not exist (create it with: pitchey-fit baseline)`,
    );
  return { file, update: Boolean(flags.updateBaseline) };
}

export interface RunCommandOptions {
  kinds: CollectorName[];
  command: string;
  resolved?: ResolvedConfig;
  provided?: { load?: LoadSection; scale?: ScaleSection };
  /** Printed before the reports (e.g. the k6-style load summary). */
  beforeReport?: (result: Result) => void;
}

/**
 * check / static / load / scale: validate flags, run, report, record history, set the gate exit code. Reports come
 * before the history: a broken history store costs a warning, never the run.
 */
export async function runCommand(state: CliState, cmd: Command, opts: RunCommandOptions): Promise<void> {
  const flags = cmd.optsWithGlobals<RunFlags>();
  const io = state.io(cmd);
  if (flags.baseUrl !== undefined && !/^https?:\/\/\S+$/.test(flags.baseUrl))
    throw new UsageError(`--base-url must be an http(s) URL, got '${flags.baseUrl}'`);
  const compare = parseCompare(flags.compare);
  const resolved = opts.resolved ?? (await resolveConfig(process.cwd(), flags.config, flags.outDir, state.signal));
  const reporters = parseReporters(flags.reporter, resolved.config.reporters);
  // Output paths are checked before the run: a bad one costs a message, not a finished run.
  const writesOutDir = reporters.some((r) => r !== 'console') || opts.kinds.includes('load');
  checkOutputTargets([
    writesOutDir
      ? { flag: flags.outDir === undefined ? 'out dir' : '--out-dir', path: resolved.outDir, kind: 'dir' }
      : undefined,
    flags.promFile === undefined ? undefined : { flag: '--prom-file', path: flags.promFile, kind: 'file' },
  ]);
  if (flags.pushgateway !== undefined) parsePushgatewayUrl(flags.pushgateway);
  const failOn = parseFailOn(flags.failOn, resolved.config.failOn);
  const functionTimeoutMs = positiveSeconds(flags.functionTimeout, '--function-timeout');
  const collectFlags: CollectFlags = {
    staticEngine: flags.staticEngine,
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    loadEngine: flags.engine,
    baseUrl: flags.baseUrl,
    scenarios: flags.scenario,
    seedUsers: positiveInt(flags.seedUsers, '--seed-users'),
    seedPitches: positiveInt(flags.seedPitches, '--seed-pitches'),
    keepSamples: flags.keepSamples,
    loadOverrides: loadOverrides(flags),
    strictOverrides: opts.command !== 'check',
  };
  const baseline = baselineOption(resolved, flags);
  const useHistory = flags.history !== false;
  // The static analysis runs in a worker: this thread loads what the reports and the history need meanwhile (not
  // during a load run, whose generator shares this thread).
  if (opts.kinds.every((k) => k === 'static')) prefetchReporting(useHistory);
  const failures: Error[] = [];
  const result = await runResolved(resolved, {
    command: opts.command,
    kinds: opts.kinds,
    flags: collectFlags,
    signal: state.signal,
    provided: opts.provided,
    baseline,
    functionTimeoutMs,
    log: (line) => {
      if (!io.quiet && !io.json) io.err(line);
    },
    progress: io.isTTY && !io.ci && !io.quiet && !io.json,
    onCollectorError: (_name, e) => {
      failures.push(e instanceof Error ? e : new Error(String(e)));
    },
  });
  if (failures.length > 0) {
    if (result.static || result.load || result.scale) {
      // No data is lost on failure: what completed is written (marked partial) before the error is reported.
      await emitResult(result, { ...io, quiet: true, json: false }, { reporters: ['json'], outDir: resolved.outDir });
      const resultFile = path.join(resolved.outDir, 'result.json');
      io.err(`partial results (completed collectors only) written to ${path.relative(process.cwd(), resultFile)}`);
    }
    throw failures[0];
  }
  if (useHistory) await readHistory(result, resolved, { compare, io });
  opts.beforeReport?.(result);
  await emitResult(result, io, {
    reporters,
    outDir: resolved.outDir,
    promFile: flags.promFile,
    pushgateway: flags.pushgateway,
  });
  if (useHistory) await appendHistory(result, resolved, io);
  state.exitCode = state.signal.aborted ? ExitCode.Interrupted : gateExitCode(result, failOn);
}

function prefetchReporting(useHistory: boolean): void {
  const modules = [import('../output/index.js'), ...(useHistory ? [import('../history/index.js')] : [])];
  // A module that fails to load fails again, with its message, where it is used.
  for (const m of modules) m.catch(() => undefined);
}
