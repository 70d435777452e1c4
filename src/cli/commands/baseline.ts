import path from 'node:path';
import type { Command } from 'commander';
import type { CliState } from '../main.js';
import { resolveConfig } from '../resolve-config.js';
import { collectStaticPhase } from '../collect.js';
import type { RunFlags } from './check.js';

export function registerBaseline(program: Command, state: CliState): void {
  program
    .command('baseline')
    .description("freeze today's static violations: later checks fail only on new ones and report stale entries")
    .option('--file <file>', 'baseline file to write (default: the config key baseline, else pitchey-fit.baseline.json)')
    .action(async (opts: { file?: string }, c: Command) => {
      const flags = c.optsWithGlobals<RunFlags>();
      const io = state.io(c);
      const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
      const file = opts.file ? path.resolve(opts.file) : resolved.baselineFile ?? path.resolve('pitchey-fit.baseline.json');
      const { writeBaseline } = await import('../../fitness/baseline.js');
      const collected = await collectStaticPhase(resolved, {});
      const { entries } = writeBaseline(file, collected.findings);
      io.out(`wrote ${path.relative(process.cwd(), file) || file}: ${collected.findings.length} violation${collected.findings.length === 1 ? '' : 's'} accepted (${entries} distinct)`);
      if (!resolved.baselineFile && !opts.file) io.err(`add  baseline: 'pitchey-fit.baseline.json'  to your config (or pass --baseline) so check applies it`);
    });
}
