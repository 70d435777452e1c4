import type { Command } from 'commander';
import type { ExitCode } from '../core/exit-codes.js';
import type { Io } from './io.js';

/** State shared by the commands of one invocation. */
export interface CliState {
  exitCode: ExitCode;
  io(cmd: Command): Io;
  signal: AbortSignal;
}
