import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { LoadSection, Result, ScaleSection } from '../core/result.js';
import type { ScenarioConfig } from '../config/types.js';
import type { Io } from './io.js';
import { startPlatformProcess, type RunningPlatform } from './platform-process.js';
import type { ResolvedConfig } from './resolve-config.js';

/** Command-line overrides that reach the collectors. */
export interface CollectFlags {
  staticEngine?: 'native' | 'dependency-cruiser';
  loadEngine?: 'native' | 'autocannon' | 'k6';
  baseUrl?: string;
  scenarios?: string[];
  /** Seed size of the bundled platform when pitchey-fit starts it. */
  seedUsers?: number;
  seedPitches?: number;
  keepSamples?: boolean;
}

export async function collectStaticPhase(resolved: ResolvedConfig, flags: CollectFlags) {
  const { collectStatic } = await import('../fitness/index.js');
  const staticConfig = { ...(resolved.config.static ?? {}), ...(flags.staticEngine ? { engine: flags.staticEngine } : {}) };
  return collectStatic({
    root: resolved.root,
    services: resolved.services,
    shared: resolved.shared,
    allowedDependencies: resolved.config.allowedDependencies ?? [],
    static: staticConfig,
    cacheDir: path.join(resolved.stateDir, 'cache'),
  });
}

/** Runs `fn` against the configured base URL, or against the bundled platform started (seeded) for the run. */
async function withTarget<T>(
  resolved: ResolvedConfig,
  flags: CollectFlags,
  io: Io,
  fn: (url: string, platform: RunningPlatform | null) => Promise<T>,
): Promise<T> {
  const baseUrl = flags.baseUrl ?? resolved.config.load?.baseUrl;
  if (baseUrl) return fn(baseUrl, null);
  const platform = await startBundledPlatform(resolved, flags, io, 1);
  try {
    return await fn(platform.url, platform);
  } finally {
    await platform.stop();
  }
}

export async function startBundledPlatform(resolved: ResolvedConfig, flags: CollectFlags, io: Io, workers: number): Promise<RunningPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-platform-'));
  if (!io.quiet && !io.json) io.err(`starting the bundled Pitchey platform (${workers} worker${workers > 1 ? 's' : ''}, PGlite, seeded)…`);
  const platform = await startPlatformProcess({
    dataDir,
    workers,
    seed: { users: flags.seedUsers ?? 200, pitches: flags.seedPitches ?? 500 },
  });
  const stop = platform.stop;
  return { ...platform, stop: async () => { await stop(); fs.rmSync(dataDir, { recursive: true, force: true }); } };
}

export async function collectLoadPhase(resolved: ResolvedConfig, flags: CollectFlags, io: Io, signal?: AbortSignal): Promise<LoadSection> {
  const load = await import('../load/index.js');
  const cfg = resolved.config.load ?? {};
  return withTarget(resolved, flags, io, async (url, platform) => {
    let scenarios: Record<string, ScenarioConfig> | undefined = cfg.scenarios;
    if (!scenarios && platform?.manifest) scenarios = load.defaultPlatformScenarios(platform.manifest);
    if (!scenarios || Object.keys(scenarios).length === 0) {
      throw new ConfigError('no load scenarios: define load.scenarios (see pitchey-fit init)', 'load.scenarios');
    }
    const names = flags.scenarios ?? cfg.run ?? Object.keys(scenarios);
    for (const n of names) {
      if (!scenarios[n]) throw new ConfigError(`no scenario named '${n}'; defined: ${Object.keys(scenarios).join(', ')}`, 'load.scenarios');
    }
    return load.runLoad({
      baseUrl: url,
      scenarios: Object.fromEntries(names.map((n) => [n, scenarios![n]])),
      thresholds: cfg.thresholds,
      engine: flags.loadEngine ?? cfg.engine ?? 'native',
      outDir: resolved.outDir,
      keepSamples: flags.keepSamples ?? cfg.keepSamples ?? false,
      allowDroppedIterations: cfg.allowDroppedIterations ?? false,
      signal,
      progress: io.isTTY && !io.ci && !io.quiet && !io.json,
    });
  });
}

export async function collectScalePhase(
  resolved: ResolvedConfig,
  flags: CollectFlags,
  io: Io,
  signal: AbortSignal | undefined,
  errors: Result['errors'],
): Promise<{ section: ScaleSection; partial: boolean }> {
  const [scaling, load] = await Promise.all([import('../load/scaling/index.js'), import('../load/index.js')]);
  const cfg = resolved.config.scale ?? {};
  const baseUrl = flags.baseUrl ?? resolved.config.load?.baseUrl;
  const mode = cfg.mode ?? (baseUrl ? 'concurrency' : 'workers');
  if (mode === 'workers' && baseUrl) {
    throw new ConfigError("mode 'workers' sweeps the bundled platform; with load.baseUrl use mode 'concurrency'", 'scale.mode');
  }
  const steps = cfg.steps ?? [1, 2];
  const opts = {
    mode,
    steps,
    targetN: cfg.targetN,
    repeats: cfg.repeats ?? 1,
    warmupSec: load.parseDuration(cfg.warmup ?? '2s', 'scale.warmup') / 1000,
    durationSec: load.parseDuration(cfg.duration ?? '5s', 'scale.duration') / 1000,
    connections: cfg.connections,
    path: cfg.path ?? '/',
    maxErrorRate: cfg.maxErrorRate,
    pin: cfg.pin,
    foreignCpuBound: cfg.foreignCpuBound,
    signal,
    onStep: (p: { n: number; throughput: number; efficiency: number | null }) => {
      if (!io.quiet && !io.json) io.err(`  scale N=${p.n}: ${p.throughput.toFixed(0)} req/s${p.efficiency !== null ? `, E=${p.efficiency.toFixed(2)}` : ''}`);
    },
    startTarget: async (n: number) => {
      if (mode === 'concurrency') return { url: baseUrl!, pids: [], stop: async () => {} };
      const platform = await startBundledPlatform(resolved, flags, { ...io, quiet: true }, n);
      return { url: platform.url, pids: platform.pids(), stop: platform.stop };
    },
  };
  try {
    return { section: await scaling.runSweep(opts), partial: Boolean(signal?.aborted) };
  } catch (e) {
    const partialSection = (e as { partial?: ScaleSection }).partial;
    if (partialSection) {
      errors.push({ phase: 'collect.scale', message: (e as Error).message });
      return { section: partialSection, partial: true };
    }
    throw e;
  }
}
