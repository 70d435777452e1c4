import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Result } from '../../core/result.js';
import type { CliState } from '../cli-state.js';
import type { GlobalFlags } from '../io.js';
import { resolveConfig, runResolved } from '../../run/index.js';
import { readResultFile } from '../result-file.js';
import { appendHistory } from '../history.js';
import { parseKinds } from '../run-command.js';

interface ServeFlags extends GlobalFlags {
  port: string;
  host: string;
  interval?: string;
  result?: string;
  only: string;
}

export function registerServe(program: Command, state: CliState): void {
  program
    .command('serve')
    .description(
      'expose the latest results as Prometheus metrics on /metrics; with --interval, re-run the checks continually',
    )
    .option('-p, --port <port>', 'port to listen on', '9464')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--interval <seconds>', 're-run the checks every N seconds (continual fitness functions)')
    .option('--result <file>', 'serve a saved result.json instead of running checks')
    .option('--only <kinds>', 'collectors to run: static,load,scale (default: static)', 'static')
    .action(async (_o, c: Command) => {
      const flags = c.optsWithGlobals<ServeFlags>();
      const io = state.io(c);
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be 0-65535, got '${flags.port}'`);
      const intervalSec = flags.interval === undefined ? undefined : Number(flags.interval);
      if (intervalSec !== undefined && (!Number.isFinite(intervalSec) || intervalSec < 1))
        throw new UsageError(`--interval must be at least 1 (seconds), got '${flags.interval}'`);
      const kinds = parseKinds(flags.only, '--only') ?? ['static'];

      let latest: Result | undefined;
      let rerun: (() => Promise<Result>) | undefined;
      if (flags.result) {
        latest = await readResultFile(path.resolve(flags.result));
      } else {
        const resolved = await resolveConfig(process.cwd(), flags.config, flags.outDir);
        rerun = async () => {
          const r = await runResolved(resolved, {
            command: 'serve',
            kinds,
            signal: state.signal,
            // A failing collector does not stop the server: the metrics show the partial run, stderr says why.
            onCollectorError: (name, e) =>
              io.err(`pitchey-fit: warning: ${name}: ${(e as Error).message ?? String(e)}`),
          });
          await appendHistory(r, resolved, io);
          latest = r;
          if (!io.quiet)
            io.err(
              `${new Date().toISOString()} checks: ${r.verdict} (${r.summary.passed} passed, ${r.summary.failed} failed)`,
            );
          return r;
        };
        await rerun();
      }
      const { startMetricsServer } = await import('../../output/index.js');
      const server = await startMetricsServer({
        port,
        host: flags.host,
        getResult: () => latest,
        rerun: intervalSec ? rerun : undefined,
        intervalSec,
      });
      io.out(
        `serving metrics on ${server.url}/metrics${intervalSec ? `, re-running checks every ${intervalSec} s` : ''} (Ctrl-C to stop)`,
      );
      await new Promise<void>((resolve) => state.signal.addEventListener('abort', () => resolve(), { once: true }));
      await server.close();
    });
}
