import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatformProcess, type RunningPlatform } from './platform-process.js';

export interface BundledRunOptions {
  workers: number;
  /** Seed size (default 200 users, 500 pitches). */
  seedUsers?: number;
  seedPitches?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Starts the bundled platform, seeded, in a fresh temporary data folder that `stop()` removes. */
export async function startBundledPlatform(opts: BundledRunOptions): Promise<RunningPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-platform-'));
  const { workers } = opts;
  opts.log?.(`starting the bundled Pitchey platform (${workers} worker${workers > 1 ? 's' : ''}, PGlite, seeded)…`);
  let platform: RunningPlatform;
  try {
    platform = await startPlatformProcess({
      dataDir,
      workers,
      seed: { users: opts.seedUsers ?? 200, pitches: opts.seedPitches ?? 500 },
      signal: opts.signal,
    });
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...platform,
    stop: async () => {
      await platform.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
