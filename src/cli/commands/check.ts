import type { Command } from 'commander';
import { defaultKinds, resolveConfig } from '../../run/index.js';
import type { CliState } from '../cli-state.js';
import { addCollectOptions, addRunOptions, parseKinds, runCommand, type RunFlags } from '../run-command.js';

export function registerCheck(program: Command, state: CliState): void {
  const cmd = program
    .command('check')
    .description(
      'run every enabled fitness function (static, load, scaling, custom): one verdict table, reports, CI-gate exit code',
    )
    .option('--skip <kinds>', 'skip collectors: static,load,scale')
    .option('--only <kinds>', 'run only these collectors: static,load,scale');
  addCollectOptions(cmd, ['static', 'load', 'scale']);
  addRunOptions(cmd);
  cmd.action(async (_opts, c: Command) => {
    const flags = c.optsWithGlobals<RunFlags & { only?: string; skip?: string }>();
    const only = parseKinds(flags.only, '--only');
    const skip = parseKinds(flags.skip, '--skip') ?? [];
    const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir, state.signal);
    const kinds = (only ?? defaultKinds(resolved.config)).filter((k) => !skip.includes(k));
    await runCommand(state, c, { kinds, command: 'check', resolved });
  });
}
