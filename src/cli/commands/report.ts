import path from 'node:path';
import type { Command } from 'commander';
import { gateExitCode } from '../../core/gate.js';
import type { CliState } from '../cli-state.js';
import { readResultFile } from '../result-file.js';
import type { GlobalFlags } from '../io.js';
import { emitResult, parseReporters } from '../emit.js';
import { parseFailOn } from '../run-command.js';
import { checkOutputTargets } from '../../output/output-targets.js';

export function registerReport(program: Command, state: CliState): void {
  program
    .command('report <result.json>')
    .description('re-render a saved result (result.json) with any reporters')
    .option('--gate', "exit with the result's gate code (1 if it failed) instead of 0")
    .option('--fail-on <levels>', 'with --gate: verdicts that fail: fail,error,inconclusive')
    .action(async (file: string, _o, c: Command) => {
      const flags = c.optsWithGlobals<GlobalFlags & { gate?: boolean; failOn?: string }>();
      const io = state.io(c);
      const reporters = parseReporters(flags.reporter, ['console']);
      const outDir = path.resolve(flags.outDir ?? 'pitchey-fit-report');
      const writesFiles = reporters.some((r) => r !== 'console');
      checkOutputTargets([
        writesFiles
          ? { flag: flags.outDir === undefined ? 'out dir' : '--out-dir', path: outDir, kind: 'dir' }
          : undefined,
      ]);
      const result = await readResultFile(path.resolve(file));
      await emitResult(result, io, { reporters, outDir });
      if (flags.gate) state.exitCode = gateExitCode(result, parseFailOn(flags.failOn, undefined));
    });
}
