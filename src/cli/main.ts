import { Command, CommanderError } from 'commander';
import { EXIT_CODE_HELP, ExitCode } from '../core/exit-codes.js';
import { isUserError } from '../core/errors.js';
import { packageVersion } from '../config/package-root.js';
import { processIo, type GlobalFlags } from './io.js';
import type { CliState } from './cli-state.js';
import { registerCheck } from './commands/check.js';
import { registerKindCommands } from './commands/kinds.js';
import { registerReport } from './commands/report.js';
import { registerInit } from './commands/init.js';
import { registerPlatform } from './commands/platform.js';
import { registerBaseline } from './commands/baseline.js';
import { registerServe } from './commands/serve.js';
import { registerPrometheusRules } from './commands/prometheus-rules.js';
import { registerCapacity } from './commands/capacity.js';
import { releaseStaticWorker } from '../run/collectors/static-in-worker.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(state: CliState): Command {
  const program = new Command('pitchey-fit')
    .description(
      'Executable architecture fitness functions (service autonomy, coupling, p99 latency, scaling efficiency) for TypeScript services.',
    )
    .version(packageVersion(), '-V, --version')
    .option(
      '-c, --config <file>',
      'config file (default: pitchey-fit.config.{ts,mts,js,mjs,json} in the current folder, else the bundled platform)',
    )
    .option(
      '-r, --reporter <names>',
      'reporters: console,json,junit,markdown,html,prometheus (repeatable, comma-separated)',
      collect,
    )
    .option('-o, --out-dir <dir>', 'folder for report files (default: ./pitchey-fit-report)')
    .option('--json', 'print the Result as JSON on stdout instead of the console report')
    .option('-q, --quiet', 'print only the one-line verdict')
    .option('--no-color', 'disable colours (also NO_COLOR=1, or when stdout is not a terminal)')
    .option('--debug', 'show stack traces of errors')
    .addHelpText(
      'after',
      `\n${EXIT_CODE_HELP}\n\nExamples:\n  npx pitchey-fit check                       # the bundled Pitchey platform, embedded PGlite\n  npx pitchey-fit check -c pitchey-fit.config.ts --reporter junit,markdown,html\n  npx pitchey-fit static --json\n`,
    )
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(oneLineUsageError(str)) });

  registerCheck(program, state);
  registerKindCommands(program, state);
  registerReport(program, state);
  registerInit(program, state);
  registerBaseline(program, state);
  registerPlatform(program, state);
  registerServe(program, state);
  registerPrometheusRules(program, state);
  registerCapacity(program, state);
  for (const cmd of program.commands) {
    cmd
      .exitOverride()
      .configureOutput({ outputError: (str, write) => write(oneLineUsageError(str)) })
      .addHelpText('after', `\n${EXIT_CODE_HELP}`);
  }
  return program;
}

/** Commander's multi-line errors ("error: unknown command 'chek'\n(Did you mean check?)") as one line. */
function oneLineUsageError(text: string): string {
  const line = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\(Did you mean/, '(did you mean');
  return `pitchey-fit: ${line} (see pitchey-fit --help)\n`;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.Interrupted);
    process.stderr.write('\ninterrupted: stopping gracefully and writing partial results (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const state: CliState = {
    exitCode: ExitCode.Pass,
    io: (cmd) => processIo(cmd.optsWithGlobals<GlobalFlags>()),
    signal: controller.signal,
  };
  const debug = argv.includes('--debug');
  // A promise that never settles (a config's top-level await, a user function) must not end the process silently
  // with Node's exit 13: when nothing is left to wait for, say so.
  let finished = false;
  const onDrain = () => {
    // Other guards (the config loader's) may settle their promise in this same turn: give them one.
    setImmediate(() => {
      if (finished) return;
      process.stderr.write('pitchey-fit: internal error: stopped waiting for a promise that never settles\n');
      process.exit(ExitCode.InternalError);
    });
  };
  process.once('beforeExit', onDrain);
  try {
    await buildProgram(state).parseAsync(argv, { from: 'user' });
    // Interrupted is 130, whatever the verdicts of what was measured before the interrupt.
    if (controller.signal.aborted) return ExitCode.Interrupted;
    return state.exitCode;
  } catch (e) {
    if (controller.signal.aborted) {
      if (isUserError(e) || e instanceof CommanderError)
        process.stderr.write(`pitchey-fit: interrupted: ${(e as Error).message}\n`);
      return ExitCode.Interrupted;
    }
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.Pass;
      // `pitchey-fit` (or `pitchey-fit platform`) without a command prints the help as an error (exit 2); `help` is 0.
      if (e.code === 'commander.help') return e.exitCode === 0 ? ExitCode.Pass : ExitCode.UsageOrInput;
      return ExitCode.UsageOrInput; // commander already printed the one-line message
    }
    if (isUserError(e)) {
      process.stderr.write(`pitchey-fit: ${e.message}\n`);
      if (debug && e.stack) process.stderr.write(e.stack + '\n');
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(
      `pitchey-fit: internal error: ${err?.message ?? String(e)}${debug ? '' : ' (run with --debug for details)'}\n`,
    );
    if (debug && err?.stack) process.stderr.write(err.stack + '\n');
    return ExitCode.InternalError;
  } finally {
    releaseStaticWorker();
    finished = true;
    process.off('beforeExit', onDrain);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
