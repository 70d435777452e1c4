import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliState } from '../main.js';
import type { LoadSection } from '../../core/result.js';
import { addCollectOptions, addRunOptions, runKinds, type RunFlags } from './check.js';
import { resolveConfig } from '../resolve-config.js';

interface LoadFlags extends RunFlags {
  exportK6?: string;
  fromK6?: string[];
  k6Operator?: string;
}

interface ScaleFlags extends RunFlags {
  fromPoints?: string;
  targetN?: string;
}

/** `static`, `load` and `scale`: one kind of fitness function only. */
export function registerKindCommands(program: Command, state: CliState): void {
  const staticCmd = program
    .command('static')
    .description('static fitness only: dependency graph, service autonomy and coupling, cycles, rules, detectors');
  addCollectOptions(staticCmd, ['static']);
  addRunOptions(staticCmd);
  staticCmd.action(async (_o, c: Command) => runKinds(state, c, ['static'], 'static'));

  const loadCmd = program
    .command('load')
    .description('load fitness only: run the scenarios (native engine by default), k6-style summary, p99 verdict')
    .option('--export-k6 <file>', 'write the scenario(s) as a k6 script instead of running them')
    .option('--k6-operator <parallelism>', 'with --export-k6: also write a k6-operator TestRun manifest and per-runner commands')
    .option('--from-k6 <files...>', "judge k6 outputs instead of running: --summary-export JSON, handleSummary JSON or --out json NDJSON (several runners' NDJSON are merged)");
  addCollectOptions(loadCmd, ['load']);
  addRunOptions(loadCmd);
  loadCmd.action(async (_o, c: Command) => {
    const flags = c.optsWithGlobals<LoadFlags>();
    const load = await import('../../load/index.js');
    if (flags.exportK6) {
      await exportK6(state, c, flags);
      return;
    }
    if (flags.fromK6) {
      const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
      const section = await load.ingestK6(flags.fromK6.map((f) => path.resolve(f)), {
        thresholds: resolved.config.load?.thresholds,
        allowDroppedIterations: resolved.config.load?.allowDroppedIterations,
      });
      printLoadSummary(state, c, section, load.formatLoadSummary);
      await runKinds(state, c, ['load'], 'load', resolved, { load: section });
      return;
    }
    await runKinds(state, c, ['load'], 'load', undefined, undefined, (result) => {
      if (result.load) printLoadSummary(state, c, result.load, load.formatLoadSummary);
    });
  });

  const scaleCmd = program
    .command('scale')
    .description('scaling efficiency only: sweep N (platform workers or concurrency), E(N), Universal Scalability Law fit')
    .option('--from-points <file>', 'fit and judge measured points (CSV or JSON with columns N and X, optionally latency) instead of sweeping')
    .option('--target-n <n>', 'with --from-points: N at which efficiency is judged (default: the largest N)');
  addCollectOptions(scaleCmd, ['scale']);
  addRunOptions(scaleCmd);
  scaleCmd.action(async (_o, c: Command) => {
    const flags = c.optsWithGlobals<ScaleFlags>();
    if (flags.fromPoints) {
      const scaling = await import('../../load/scaling/index.js');
      const points = scaling.readPointsFile(path.resolve(flags.fromPoints));
      const targetN = flags.targetN === undefined ? undefined : Number(flags.targetN);
      if (targetN !== undefined && (!Number.isInteger(targetN) || targetN < 1)) throw new UsageError(`--target-n must be a positive whole number, got '${flags.targetN}'`);
      const section = scaling.analysePoints(points, { targetN });
      await runKinds(state, c, ['scale'], 'scale', undefined, { scale: section });
      return;
    }
    await runKinds(state, c, ['scale'], 'scale');
  });
}

/** The k6-style end-of-test summary, before the verdict table (text mode only). */
function printLoadSummary(state: CliState, cmd: Command, section: LoadSection, format: (s: LoadSection) => string): void {
  const io = state.io(cmd);
  if (!io.json && !io.quiet) io.out(format(section));
}

async function exportK6(state: CliState, cmd: Command, flags: LoadFlags): Promise<void> {
  const io = state.io(cmd);
  const load = await import('../../load/index.js');
  const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
  let scenarios = resolved.config.load?.scenarios;
  if (!scenarios && resolved.isDefault) scenarios = load.defaultPlatformScenarios(null);
  if (!scenarios) throw new UsageError('no load scenarios to export: define load.scenarios in the config');
  const names = flags.scenario ?? Object.keys(scenarios);
  for (const n of names) if (!scenarios[n]) throw new UsageError(`no scenario named '${n}'; defined: ${Object.keys(scenarios).join(', ')}`);
  const script = load.generateK6Script(Object.fromEntries(names.map((n) => [n, scenarios![n]])), {
    baseUrl: flags.baseUrl ?? resolved.config.load?.baseUrl ?? 'http://127.0.0.1:4600',
    thresholds: resolved.config.load?.thresholds,
  });
  fs.mkdirSync(path.dirname(path.resolve(flags.exportK6!)), { recursive: true });
  fs.writeFileSync(flags.exportK6!, script);
  io.err(`wrote k6 script ${flags.exportK6} (${names.join(', ')}); run it with: k6 run ${flags.exportK6}`);
  if (flags.k6Operator) {
    const parallelism = Number(flags.k6Operator);
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new UsageError(`--k6-operator must be a positive whole number, got '${flags.k6Operator}'`);
    const manifest = load.generateK6OperatorManifest({ scriptFile: path.basename(flags.exportK6!), parallelism, name: 'pitchey-fit' });
    const manifestFile = flags.exportK6!.replace(/\.[cm]?js$/, '') + '.testrun.yaml';
    fs.writeFileSync(manifestFile, manifest);
    io.err(`wrote k6-operator TestRun ${manifestFile} (parallelism ${parallelism}); without the operator, run each segment:`);
    for (const line of load.segmentCommands(parallelism, flags.exportK6!, flags.baseUrl ?? resolved.config.load?.baseUrl)) io.out(line);
  }
}
