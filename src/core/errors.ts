import { ExitCode } from './exit-codes.js';

/** An error a user can cause. `message` is the one line they read; the CLI never shows its stack unless --debug. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Wrong command-line usage (unknown flag, bad argument). Exit 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.UsageOrInput);
  }
}

/** An invalid config file; the message names the key path, e.g. `fitness.serviceCoupling.target`. Exit 2. */
export class ConfigError extends UserError {
  constructor(
    message: string,
    readonly keyPath?: string,
  ) {
    super(keyPath ? `config ${keyPath}: ${message}` : `config: ${message}`, ExitCode.UsageOrInput);
  }
}

/** Unreadable or malformed input data (a result file, k6 output, a points CSV): name file and line if known. Exit 2. */
export class InputError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.UsageOrInput);
  }
}

/** The system under load test could not be reached at all. Exit 3. */
export class TargetUnreachableError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.TargetUnreachable);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
