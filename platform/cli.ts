#!/usr/bin/env node
// The reference platform's command line: start | stop | seed. User mistakes print one line and exit 2.
import path from 'node:path';
import { parseSeed, parseStart, parseStop, PlatformUsageError, type StartOptions } from './gateway/cli-options.js';
import { isAlive, readRunning, removePidFile, writePidFile } from './gateway/pid-file.js';
import { buildPlatformApp } from './gateway/platform-app.js';
import { AlreadySeededError, seedPlatform } from './gateway/seed.js';
import { serveGateway } from './gateway/start-gateway.js';
import { runWorkerCluster } from './gateway/worker-cluster.js';
import { runServicesMode } from './gateway/services-mode.js';
import { ensurePrivateDir } from './gateway/private-dir.js';

// Files this process creates (database, media, manifest) are readable by their owner only.
process.umask(0o077);

const USAGE = [
  'usage: platform <start|stop|seed> [flags]',
  '  start [--host H] [--port N] [--data-dir DIR] [--db pglite|postgres://…] [--replica-url postgres://…] [--workers N [--cluster]]',
  '        [--seed [--users N --pitches M]] [--mode gateway|services] [--rate-limit on|off] [--rate-limit-per-min N]',
  '        [--rate-limit-auth-per-min N] [--rate-limit-nda-per-min N] [--service-rate-limit pitch=N,…]',
  '        [--redis-url redis://HOST:PORT]   (rate-limit buckets shared by all processes; in-process without it)',
  '        [--replica-max-lag-ms N]   (replay lag beyond which the replica leaves read rotation; default 1000)',
  '        [--otlp-endpoint http://HOST:4318/v1/traces]   (OTLP trace export; or the OTEL_EXPORTER_OTLP_* variables)',
  '  stop  [--data-dir DIR]',
  '  seed  [--users N] [--pitches M] [--data-dir DIR] [--db pglite|postgres://…]',
].join('\n');

function fail(message: string, code = 2): never {
  process.stderr.write(`platform: ${message}\n`);
  process.exit(code);
}

function dbLabel(db: string): string {
  return db === 'pglite' ? 'pglite' : 'postgres';
}

/** Runs until SIGTERM/SIGINT, then closes and removes the pid file. Handlers are installed before startup. */
let closer: { dataDir: string; close: () => Promise<void> } | null = null;
let signalled = false;

function shutdownNow(): void {
  if (!closer) return;
  const { dataDir, close } = closer;
  closer = null;
  const hard = setTimeout(() => process.exit(1), 15_000);
  hard.unref();
  close()
    .catch((e: unknown) => process.stderr.write(`platform: shutdown: ${(e as Error).message}\n`))
    .finally(() => {
      removePidFile(dataDir, process.pid);
      process.exit(0);
    });
}

function installSignalHandlers(): void {
  const onSignal = () => {
    if (signalled) return;
    signalled = true;
    // A signal during startup ends the process as soon as it is up (there is nothing to close before that).
    shutdownNow();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function onShutdown(dataDir: string, close: () => Promise<void>): void {
  closer = { dataDir, close };
  if (signalled) shutdownNow();
}

async function start(o: StartOptions): Promise<void> {
  // Set before tracing starts; worker and service processes inherit it with the environment.
  if (o.otlpEndpoint) process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = o.otlpEndpoint;
  ensurePrivateDir(o.dataDir);
  const running = readRunning(o.dataDir);
  if (running) fail(`a platform is already running for ${o.dataDir} (pid ${running.pid}, ${running.url})`);
  if (o.mode === 'services') {
    const r = await runServicesMode(o);
    ready(o, r.url, r.workers);
    onShutdown(o.dataDir, () => r.close());
    return;
  }
  if (o.workers > 1 || o.cluster) {
    const r = await runWorkerCluster(o);
    ready(o, r.url, o.workers);
    onShutdown(o.dataDir, () => r.close());
    return;
  }
  const s = await serveGateway(o);
  if (s.seeded)
    process.stderr.write(
      `platform: seeded ${s.seeded.users} users / ${s.seeded.pitches} pitches in ${s.seeded.ms} ms\n`,
    );
  ready(o, s.url, 1);
  onShutdown(o.dataDir, () => s.platform.close());
}

function ready(o: StartOptions, url: string, workers: number): void {
  writePidFile(o.dataDir, { pid: process.pid, url });
  process.stdout.write(JSON.stringify({ event: 'ready', url, pid: process.pid, workers, db: dbLabel(o.db) }) + '\n');
}

async function stop(dataDir: string): Promise<void> {
  const running = readRunning(dataDir);
  if (!running) fail(`no platform running for ${dataDir}`);
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (isAlive(running.pid)) {
    if (Date.now() > deadline) fail(`platform pid ${running.pid} did not stop within 20 s`, 1);
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(`stopped platform pid ${running.pid} (${running.url})\n`);
}

async function seed(argv: string[]): Promise<void> {
  const o = parseSeed(argv);
  const running = readRunning(o.dataDir);
  if (running && o.db === 'pglite')
    fail(`a platform is running on ${o.dataDir} (pid ${running.pid}); stop it before seeding`);
  ensurePrivateDir(o.dataDir);
  const p = await buildPlatformApp({ dataDir: o.dataDir, db: o.db, runSubscribers: false });
  try {
    const r = await seedPlatform(p.db, o.dataDir, o.users, o.pitches);
    process.stdout.write(
      JSON.stringify({
        event: 'seeded',
        ms: Math.round(r.ms),
        counts: r.manifest.counts,
        manifest: path.join(o.dataDir, 'seed-manifest.json'),
      }) + '\n',
    );
  } finally {
    await p.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start':
      installSignalHandlers();
      return start(parseStart(rest));
    case 'stop':
      return stop(parseStop(rest).dataDir);
    case 'seed':
      return seed(rest);
    default:
      fail(cmd ? `unknown command ${cmd}; ${USAGE.split('\n')[0]}` : USAGE);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof PlatformUsageError || e instanceof AlreadySeededError) fail(e.message);
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EADDRINUSE') fail(`port already in use: ${err.message}`);
  if (err?.code === 'ECONNREFUSED' || err?.code === 'ENOTFOUND' || err?.code === '28P01' || err?.code === '3D000') {
    fail(`cannot reach the database: ${err.message}`);
  }
  process.stderr.write(`platform: ${err?.stack ?? String(e)}\n`);
  process.exit(1);
});
