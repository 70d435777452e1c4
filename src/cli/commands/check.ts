import type { Command } from 'commander';
import { Option } from 'commander';
import { gateExitCode, type FailOn } from '../../core/gate.js';
import fs from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import type { CliState } from '../main.js';
import type { Result } from '../../core/result.js';
import type { GlobalFlags } from '../io.js';
import { resolveConfig, type ResolvedConfig } from '../resolve-config.js';
import { partialResultOf, runPipeline, type CollectorKind, type PipelineOptions } from '../pipeline.js';
import { emitResult, parseReporters } from '../emit.js';
import { applyHistory } from '../history.js';
import type { CollectFlags } from '../collect.js';

export interface RunFlags extends GlobalFlags {
  staticEngine?: CollectFlags['staticEngine'];
  engine?: CollectFlags['loadEngine'];
  baseUrl?: string;
  scenario?: string[];
  skip?: string;
  only?: string;
  compare?: 'last' | 'last-pass';
  failOn?: string;
  baseline?: string;
  updateBaseline?: boolean;
  history?: boolean;
  promFile?: string;
  pushgateway?: string;
  seedUsers?: string;
  seedPitches?: string;
  keepSamples?: boolean;
}

const KINDS: CollectorKind[] = ['static', 'load', 'scale'];

export function parseFailOn(text: string | undefined, fallback: readonly FailOn[] | undefined): FailOn[] | undefined {
  if (!text) return fallback ? [...fallback] : undefined;
  const levels = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const l of levels) {
    if (!['fail', 'error', 'inconclusive'].includes(l)) throw new UsageError(`--fail-on: unknown level '${l}'; use fail, error, inconclusive`);
  }
  return levels as FailOn[];
}

function parseKinds(text: string | undefined, flag: string): CollectorKind[] {
  if (!text) return [];
  const kinds = text.split(',').map((s) => s.trim());
  for (const k of kinds) if (!KINDS.includes(k as CollectorKind)) throw new UsageError(`${flag}: unknown kind '${k}'; use static, load, scale`);
  return kinds as CollectorKind[];
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got '${text}'`);
  return n;
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
    .option('--pushgateway <url>', 'also push metrics to a Prometheus Pushgateway');
}

export function addCollectOptions(cmd: Command, kinds: CollectorKind[]): Command {
  if (kinds.includes('static')) cmd.addOption(new Option('--static-engine <engine>', 'static graph engine').choices(['native', 'dependency-cruiser']));
  if (kinds.includes('load') || kinds.includes('scale')) {
    cmd
      .option('--base-url <url>', 'system under test (default: load.baseUrl, else the bundled platform started for the run)')
      .option('--seed-users <n>', 'users seeded into the bundled platform (default 200)')
      .option('--seed-pitches <n>', 'pitches seeded into the bundled platform (default 500)');
  }
  if (kinds.includes('load')) {
    cmd
      .addOption(new Option('--engine <engine>', 'load engine').choices(['native', 'autocannon', 'k6']))
      .option('--scenario <name>', 'run only this scenario (repeatable)', (v: string, p: string[] = []) => [...p, v])
      .option('--keep-samples', 'keep raw latency samples (exact k6-rule percentiles; larger files)');
  }
  return cmd;
}

function baselineOption(resolved: ResolvedConfig, flags: RunFlags): PipelineOptions['baseline'] {
  const file = flags.baseline ? path.resolve(flags.baseline) : resolved.baselineFile;
  if (!file) {
    if (flags.updateBaseline) throw new UsageError('--update-baseline needs a baseline file (--baseline <file> or the config key baseline)');
    return undefined;
  }
  if (!fs.existsSync(file)) throw new InputError(`baseline ${path.relative(process.cwd(), file) || file} does not exist (create it with: pitchey-fit baseline)`);
  return { file, update: Boolean(flags.updateBaseline) };
}

/** check / static / load / scale: collect the given kinds, judge, report, gate. */
export async function runKinds(
  state: CliState, cmd: Command, kinds: CollectorKind[], command: string, preResolved?: ResolvedConfig,
  provided?: PipelineOptions['provided'],
  beforeReport?: (result: Result) => void,
): Promise<void> {
  const flags = cmd.optsWithGlobals<RunFlags>();
  const io = state.io(cmd);
  if (flags.baseUrl && !/^https?:\/\/\S+$/.test(flags.baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got '${flags.baseUrl}'`);
  if (flags.compare && flags.compare !== 'last' && flags.compare !== 'last-pass') throw new UsageError(`--compare must be 'last' or 'last-pass', got '${flags.compare}'`);
  const resolved = preResolved ?? (await resolveConfig(process.cwd(), flags.config, flags.outDir));
  const reporters = parseReporters(flags.reporter, resolved.config.reporters);
  const failOn = parseFailOn(flags.failOn, resolved.config.failOn);
  const pipeline = runPipeline({
    command,
    resolved,
    kinds,
    io,
    signal: state.signal,
    provided,
    baseline: baselineOption(resolved, flags),
    flags: {
      staticEngine: flags.staticEngine,
      loadEngine: flags.engine,
      baseUrl: flags.baseUrl,
      scenarios: flags.scenario,
      seedUsers: positiveInt(flags.seedUsers, '--seed-users'),
      seedPitches: positiveInt(flags.seedPitches, '--seed-pitches'),
      keepSamples: flags.keepSamples,
    },
  });
  let result: Result;
  try {
    result = await pipeline;
  } catch (e) {
    const partial = partialResultOf(e);
    if (partial && (partial.static || partial.load || partial.scale)) {
      // No data is lost on failure: what completed is written (marked partial) before the error is reported.
      await emitResult(partial, { ...io, quiet: true, json: false }, { reporters: ['json'], outDir: resolved.outDir });
      io.err(`partial results (completed collectors only) written to ${path.relative(process.cwd(), path.join(resolved.outDir, 'result.json'))}`);
    }
    throw e;
  }
  if (flags.history !== false) await applyHistory(result, resolved, { compare: flags.compare, io });
  beforeReport?.(result);
  await emitResult(result, io, { reporters, outDir: resolved.outDir, promFile: flags.promFile, pushgateway: flags.pushgateway });
  state.exitCode = gateExitCode(result, failOn);
}

export function registerCheck(program: Command, state: CliState): void {
  const cmd = program
    .command('check')
    .description('run every enabled fitness function (static, load, scaling, custom): one verdict table, reports, CI-gate exit code')
    .option('--skip <kinds>', 'skip collectors: static,load,scale')
    .option('--only <kinds>', 'run only these collectors: static,load,scale');
  addCollectOptions(cmd, KINDS);
  addRunOptions(cmd);
  cmd.action(async (_opts, c: Command) => {
    const flags = c.optsWithGlobals<RunFlags>();
    const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
    let kinds: CollectorKind[] = resolved.config.checks ?? defaultChecks(resolved.config);
    const only = parseKinds(flags.only, '--only');
    if (only.length) kinds = only;
    const skip = parseKinds(flags.skip, '--skip');
    kinds = kinds.filter((k) => !skip.includes(k));
    await runKinds(state, c, kinds, 'check', resolved);
  });
}

function defaultChecks(config: { load?: unknown; scale?: unknown }): CollectorKind[] {
  const kinds: CollectorKind[] = ['static'];
  if (config.load) kinds.push('load');
  if (config.scale) kinds.push('scale');
  return kinds;
}
