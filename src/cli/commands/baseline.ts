import path from 'node:path';
import type { Command } from 'commander';
import { resolveConfig, runResolved } from '../../run/index.js';
import type { CliState } from '../cli-state.js';
import type { GlobalFlags } from '../io.js';
import { checkOutputTargets } from '../../output/output-targets.js';

export function registerBaseline(program: Command, state: CliState): void {
  program
    .command('baseline')
    .description("freeze today's static violations: later checks fail only on new ones and report stale entries")
    .option(
      '--file <file>',
      'baseline file to write (default: the config key baseline, else pitchey-fit.baseline.json)',
    )
    .action(async (opts: { file?: string }, c: Command) => {
      const flags = c.optsWithGlobals<GlobalFlags>();
      const io = state.io(c);
      const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
      const file = opts.file
        ? path.resolve(opts.file)
        : (resolved.baselineFile ?? path.resolve('pitchey-fit.baseline.json'));
      checkOutputTargets([{ flag: opts.file ? '--file' : 'baseline', path: file, kind: 'file' }]);
      const failures: Error[] = [];
      const result = await runResolved(resolved, {
        command: 'baseline',
        kinds: ['static'],
        signal: state.signal,
        onCollectorError: (_n, e) => {
          failures.push(e instanceof Error ? e : new Error(String(e)));
        },
      });
      if (failures.length > 0) throw failures[0];
      const { writeBaseline } = await import('../../run/offline.js');
      const findings = result.findings;
      const { entries } = writeBaseline(file, findings);
      const n = findings.length;
      io.out(
        `wrote ${path.relative(process.cwd(), file) || file}: ${n} violation${n === 1 ? '' : 's'} accepted (${entries} distinct)`,
      );
      if (!resolved.baselineFile && !opts.file)
        io.err(`add  baseline: 'pitchey-fit.baseline.json'  to your config (or pass --baseline) so check applies it`);
    });
}
