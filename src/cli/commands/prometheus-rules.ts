import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliState } from '../cli-state.js';
import type { GlobalFlags } from '../io.js';
import { checkOutputTargets } from '../../output/output-targets.js';

export function registerPrometheusRules(program: Command, state: CliState): void {
  program
    .command('prometheus-rules')
    .description(
      'write Prometheus alerting rules for the pitchey_fit_* metrics (a function failing; a value regressing past its target)',
    )
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (opts: { output?: string }, c: Command) => {
      c.optsWithGlobals<GlobalFlags>();
      const io = state.io(c);
      if (opts.output !== undefined) checkOutputTargets([{ flag: '--output', path: opts.output, kind: 'file' }]);
      const { renderPrometheusRules } = await import('../../report/index.js');
      const yaml = renderPrometheusRules();
      if (opts.output) {
        fs.writeFileSync(opts.output, yaml);
        io.err(`wrote ${opts.output}; check it with: promtool check rules ${opts.output}`);
      } else io.out(yaml);
    });
}
