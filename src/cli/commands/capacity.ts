import type { Command } from 'commander';
import type { CliState } from '../cli-state.js';
import { addCollectOptions, addRunOptions, runCommand } from '../run-command.js';

/** `capacity`: the highest arrival rate at which the SLO holds (bracketing + bisection over open-model steps). */
export function registerCapacity(program: Command, state: CliState): void {
  const cmd = program
    .command('capacity')
    .description(
      'capacity only: highest arrival rate meeting the SLO (p99, errors, no drops), knee, users per instance',
    );
  addCollectOptions(cmd, ['capacity']);
  addRunOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    const { formatCapacitySection } = await import('../../run/offline.js');
    await runCommand(state, c, {
      kinds: ['capacity'],
      command: 'capacity',
      beforeReport: (result) => {
        const io = state.io(c);
        if (result.capacity && !io.json && !io.quiet) io.out(formatCapacitySection(result.capacity));
      },
    });
  });
}
