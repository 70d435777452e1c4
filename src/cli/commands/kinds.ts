import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { LoadSection } from '../../core/result.js';
import { resolveConfig } from '../../run/index.js';
import type { CliState } from '../cli-state.js';
import { checkOutputTargets } from '../../output/output-targets.js';
import { addCollectOptions, addRunOptions, runCommand, type RunFlags } from '../run-command.js';

interface LoadFlags extends RunFlags {
  exportK6?: string;
  fromK6?: string[];
  sequentialRuns?: boolean;
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
  staticCmd.action(async (_o, c: Command) => runCommand(state, c, { kinds: ['static'], command: 'static' }));

  const loadCmd = program
    .command('load')
    .description('load fitness only: run the scenarios (native engine by default), k6-style summary, p99 verdict')
    .option('--export-k6 <file>', 'write the scenario(s) as a k6 script instead of running them')
    .option(
      '--k6-operator <parallelism>',
      'with --export-k6: also write a k6-operator TestRun manifest and per-runner commands',
    )
    .option(
      '--from-k6 <files...>',
      "judge k6 outputs instead of running: --summary-export JSON, handleSummary JSON or --out json NDJSON (several runners' NDJSON are merged)",
    )
    .option(
      '--sequential-runs',
      'with --from-k6: the NDJSON files are runs one after another, each reported with its own rates',
    );
  addCollectOptions(loadCmd, ['load']);
  addRunOptions(loadCmd);
  loadCmd.action(async (_o, c: Command) => {
    const flags = c.optsWithGlobals<LoadFlags>();
    const override = (['vus', 'duration', 'iterations', 'rate'] as const).find((k) => flags[k] !== undefined);
    const offRun = flags.exportK6 ? '--export-k6 (give it to k6 run)' : flags.fromK6 ? '--from-k6' : undefined;
    if (override && offRun) throw new UsageError(`--${override} overrides a run; it does not apply to ${offRun}`);
    const offline = await import('../../run/offline.js');
    const printSummary = (section: LoadSection) => {
      const io = state.io(c);
      if (!io.json && !io.quiet) io.out(offline.formatLoadSummary(section));
    };
    if (flags.exportK6) {
      await exportK6(state, c, flags);
      return;
    }
    if (flags.fromK6) {
      const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
      const section = await offline.ingestK6(
        flags.fromK6.map((f) => path.resolve(f)),
        {
          thresholds: resolved.config.load?.thresholds,
          allowDroppedIterations: resolved.config.load?.allowDroppedIterations,
          sequentialRuns: flags.sequentialRuns,
        },
      );
      printSummary(section);
      await runCommand(state, c, { kinds: ['load'], command: 'load', resolved, provided: { load: section } });
      return;
    }
    await runCommand(state, c, {
      kinds: ['load'],
      command: 'load',
      beforeReport: (result) => {
        if (result.load) printSummary(result.load);
      },
    });
  });

  const scaleCmd = program
    .command('scale')
    .description(
      'scaling efficiency only: sweep N (platform workers or concurrency), E(N), Universal Scalability Law fit',
    )
    .option(
      '--from-points <file>',
      'fit and judge measured points (CSV or JSON with columns N and X, optionally latency) instead of sweeping',
    )
    .option('--target-n <n>', 'with --from-points: N at which efficiency is judged (default: the largest N)');
  addCollectOptions(scaleCmd, ['scale']);
  addRunOptions(scaleCmd);
  scaleCmd.action(async (_o, c: Command) => {
    const flags = c.optsWithGlobals<ScaleFlags>();
    const override = (['vus', 'duration', 'iterations', 'rate'] as const).find((k) => flags[k] !== undefined);
    if (override && flags.fromPoints)
      throw new UsageError(`--${override} overrides a sweep; it does not apply to --from-points`);
    if (flags.fromPoints) {
      const offline = await import('../../run/offline.js');
      const targetN = flags.targetN === undefined ? undefined : Number(flags.targetN);
      if (targetN !== undefined && (!Number.isInteger(targetN) || targetN < 1))
        throw new UsageError(`--target-n must be a positive whole number, got '${flags.targetN}'`);
      const points = offline.readPointsFile(path.resolve(flags.fromPoints));
      // The same rule as scale.targetN against scale.steps: the target N must be a measured N.
      const measured = [...new Set(points.map((p) => p.n))].sort((a, b) => a - b);
      if (targetN !== undefined && !measured.includes(targetN)) {
        throw new UsageError(
          `--target-n ${targetN} is not a measured N in ${flags.fromPoints} (${measured.join(', ')})`,
        );
      }
      const section = offline.analysePoints(points, { targetN });
      await runCommand(state, c, { kinds: ['scale'], command: 'scale', provided: { scale: section } });
      return;
    }
    if (flags.targetN !== undefined)
      throw new UsageError('--target-n needs --from-points (a sweep judges scale.targetN)');
    await runCommand(state, c, { kinds: ['scale'], command: 'scale' });
  });
}

async function exportK6(state: CliState, cmd: Command, flags: LoadFlags): Promise<void> {
  const io = state.io(cmd);
  // Every flag is checked before anything is written.
  let parallelism: number | undefined;
  if (flags.k6Operator !== undefined) {
    parallelism = Number(flags.k6Operator);
    if (!Number.isInteger(parallelism) || parallelism < 1)
      throw new UsageError(`--k6-operator must be a positive whole number, got '${flags.k6Operator}'`);
  }
  checkOutputTargets([{ flag: '--export-k6', path: flags.exportK6!, kind: 'file' }]);
  const offline = await import('../../run/offline.js');
  const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
  let scenarios = resolved.config.load?.scenarios;
  if (!scenarios && resolved.isDefault) {
    const { platformScenariosForExport } = await import('../../bundled-platform/index.js');
    scenarios = platformScenariosForExport(process.cwd());
  }
  if (!scenarios) throw new UsageError('no load scenarios to export: define load.scenarios in the config');
  const names = flags.scenario ?? Object.keys(scenarios);
  for (const n of names)
    if (!scenarios[n])
      throw new UsageError(`--scenario: no scenario named '${n}'; defined: ${Object.keys(scenarios).join(', ')}`);
  const script = offline.generateK6Script(Object.fromEntries(names.map((n) => [n, scenarios[n]])), {
    baseUrl: flags.baseUrl ?? resolved.config.load?.baseUrl ?? 'http://127.0.0.1:4600',
    thresholds: resolved.config.load?.thresholds,
  });
  const file = flags.exportK6!;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, script);
  io.err(`wrote k6 script ${file} (${names.join(', ')}); run it with: k6 run ${file}`);
  if (parallelism !== undefined) {
    const manifest = offline.generateK6OperatorManifest({
      scriptFile: path.basename(file),
      parallelism,
      name: 'pitchey-fit',
    });
    const manifestFile = file.replace(/\.[cm]?js$/, '') + '.testrun.yaml';
    fs.writeFileSync(manifestFile, manifest);
    io.err(
      `wrote k6-operator TestRun ${manifestFile} (parallelism ${parallelism}); without the operator, run each segment:`,
    );
    for (const line of offline.segmentCommands(parallelism, file, flags.baseUrl ?? resolved.config.load?.baseUrl))
      io.out(line);
  }
}
