/** Process exit codes of every pitchey-fit command. Documented in README.md and `pitchey-fit --help`. */
export enum ExitCode {
  /** Every enabled fitness function passed (inconclusive ones do not fail the gate unless --fail-on inconclusive). */
  Pass = 0,
  /** At least one fitness function failed its target. */
  FitnessFailed = 1,
  /** Usage, config or input error: the message says what to fix. */
  UsageOrInput = 2,
  /** The load/scale target did not answer (connection refused, DNS, timeout before any response). */
  TargetUnreachable = 3,
  /** A bug in pitchey-fit itself (please report it with the --debug output). */
  InternalError = 70,
  /** Interrupted (Ctrl-C); partial results were written. */
  Interrupted = 130,
}

export const EXIT_CODE_HELP = `Exit codes:
  0    all enabled fitness functions passed
  1    at least one fitness function failed its target
  2    usage, config or input error (one-line message on stderr)
  3    the load or scaling target was unreachable
  70   internal error (a bug: rerun with --debug and report it)
  130  interrupted (Ctrl-C); partial results were written`;
