/** Where a command writes, and how: the only place the CLI touches process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  quiet: boolean;
  json: boolean;
  debug: boolean;
  isTTY: boolean;
  ci: boolean;
}

export interface GlobalFlags {
  config?: string;
  reporter?: string[];
  outDir?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
}

export function colorEnabled(flags: GlobalFlags, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flags.color === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

export function processIo(flags: GlobalFlags): Io {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    out: (t) => {
      process.stdout.write(t.endsWith('\n') ? t : t + '\n');
    },
    err: (t) => {
      process.stderr.write(t.endsWith('\n') ? t : t + '\n');
    },
    color: colorEnabled(flags, process.env, isTTY),
    quiet: Boolean(flags.quiet),
    json: Boolean(flags.json),
    debug: Boolean(flags.debug),
    isTTY,
    ci: Boolean(process.env.CI && process.env.CI !== 'false'),
  };
}
