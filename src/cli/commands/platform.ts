import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import type { CliState } from '../cli-state.js';

/** Runs `node dist/platform/cli.js <sub> <args>` in the foreground, forwarding signals; exits with its code. */
async function forward(state: CliState, sub: string, args: string[]): Promise<void> {
  // Imported here: the other commands do not need the bundled platform's modules.
  const { platformEntry } = await import('../../bundled-platform/index.js');
  const child = spawn(process.execPath, [platformEntry(), sub, ...args], { stdio: 'inherit' });
  const relay = () => child.kill('SIGTERM');
  state.signal.addEventListener('abort', relay, { once: true });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      state.signal.removeEventListener('abort', relay);
      state.exitCode = code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1);
      resolve();
    });
  });
}

export function registerPlatform(program: Command, state: CliState): void {
  const platform = program
    .command('platform')
    .description('run the bundled reference Pitchey platform (User, Pitch, NDA, Notification, Media services)');
  const passThrough = (cmd: Command) => cmd.allowUnknownOption().allowExcessArguments().helpOption(false);

  passThrough(platform.command('start'))
    .description(
      'start the platform (embedded PGlite by default); flags: --port, --host, --data-dir, --db pglite|postgres://…, --workers N, --seed [--users N --pitches M], --rate-limit on|off, --mode gateway|services, --replica-url URL [--replica-max-lag-ms N], --redis-url URL, --otlp-endpoint URL (all: platform start --help)',
    )
    .action(async (_o, c: Command) => forward(state, 'start', c.args));
  passThrough(platform.command('stop'))
    .description('stop a platform started in the background (--data-dir)')
    .action(async (_o, c: Command) => forward(state, 'stop', c.args));
  passThrough(platform.command('seed'))
    .description('seed deterministic data: --users N --pitches M [--data-dir] [--db]')
    .action(async (_o, c: Command) => forward(state, 'seed', c.args));
}
