import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import type { ScalePoint } from '../../src/core/result-scale.js';
import { runSweep, ScaleSweepError, type ScaleTarget, type SweepOptions } from '../../src/load/scaling/sweep.js';
import { closedPort, startTestServer } from './test-server.js';

async function serverTarget(opts: { failAll?: boolean } = {}): Promise<ScaleTarget> {
  const s = await startTestServer(opts);
  return { url: s.url, pids: [s.pid], stop: s.stop };
}

const base: Omit<SweepOptions, 'steps' | 'startTarget'> = {
  mode: 'concurrency',
  repeats: 2,
  warmupSec: 0.2,
  durationSec: 0.4,
  path: '/work',
  fit: { bootstrap: 20 },
};

function affinity(): string | null {
  try {
    return execFileSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

describe('runSweep against a local node:http server (concurrency mode)', () => {
  it('measures each N, computes E(N), fits the USL and restores the generator affinity', async () => {
    const before = affinity();
    const seen: ScalePoint[] = [];
    const section = await runSweep({
      ...base,
      steps: [1, 2, 4],
      startTarget: () => serverTarget(),
      onStep: (p) => seen.push(p),
    });
    expect(affinity()).toBe(before);

    expect(section.mode).toBe('concurrency');
    expect(section.points.map((p) => p.n)).toEqual([1, 2, 4]);
    expect(seen.map((p) => p.n)).toEqual([1, 2, 4]);
    for (const p of section.points) {
      expect(p.runs).toHaveLength(2);
      expect(p.throughput).toBeGreaterThan(0);
      expect(p.throughput).toBeCloseTo((p.runs[0] + p.runs[1]) / 2, 9);
      expect(p.errors).toBe(0);
      expect(Number.isInteger(p.latencyP99Ms! * 2)).toBe(true); // median of two whole-ms p99s
      expect(p.efficiency).toBeCloseTo(p.throughput / (p.n * section.points[0].throughput), 12);
      if (process.platform === 'linux') expect(p.foreignCpu).toBeGreaterThanOrEqual(0);
    }
    expect(section.points[0].efficiency).toBe(1);
    expect(section.targetN).toBe(4);
    expect(section.fit).not.toBeNull();
    expect(section.fit!.predictions.map((p) => p.n)).toEqual([1, 2, 4, 8, 16]);
    expect(section.notes[0]).toMatch(/^\d+ cores on this machine/);
    expect(section.notes.join('\n')).toMatch(/pinned with taskset|not pinned/);
    expect(section.partial).toBeUndefined();
  });

  it('the native engine measures closed-model steps too (its requests counted by the server itself)', async () => {
    const s = await startTestServer();
    try {
      const before = await s.count();
      const section = await runSweep({
        ...base,
        engine: 'native',
        repeats: 1,
        warmupSec: 0,
        durationSec: 1,
        steps: [1, 2],
        startTarget: () => Promise.resolve({ url: s.url, pids: [s.pid], stop: async () => {} }),
      });
      const served = (await s.count()) - before - 1; // minus the /count request itself
      expect(section.engine).toBe('native');
      expect(section.notes.join('\n')).toContain('closed model with native: N connections');
      const sent = section.points.reduce((a, p) => a + p.throughput * 1, 0);
      expect(section.points.every((p) => p.throughput > 0 && p.errors === 0)).toBe(true);
      // X(N) is completed requests per second of a 1 s step: what the engine reports is what the server served.
      expect(sent).toBeGreaterThan(0.8 * served);
      expect(sent).toBeLessThan(1.2 * served);
    } finally {
      await s.stop();
    }
  });

  it('rejects steps that are not strictly increasing', async () => {
    const start = () => serverTarget();
    await expect(runSweep({ ...base, steps: [1, 4, 2], startTarget: start })).rejects.toThrow(ConfigError);
    await expect(runSweep({ ...base, steps: [1, 4, 2], startTarget: start })).rejects.toThrow(
      'config scale.steps: must be strictly increasing, but 2 follows 4',
    );
    await expect(runSweep({ ...base, steps: [1, 2], targetN: 3, startTarget: start })).rejects.toThrow(
      'config scale.targetN: 3 is not one of scale.steps [1, 2]',
    );
  });

  it('keeps completed steps when a step fails or the target stops answering', async () => {
    const fast = { ...base, repeats: 1, warmupSec: 0, durationSec: 0.3 };
    const failing = await runSweep({
      ...fast,
      steps: [1, 2, 4],
      startTarget: (n) => serverTarget({ failAll: n === 2 }),
    }).catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(ScaleSweepError);
    const f = failing as ScaleSweepError;
    // Every response an error status: the target is not serving at all (exit 3), not a step over maxErrorRate.
    expect(f.message).toMatch(
      /^scale step N=2: the target stopped answering: every one of the \d+ requests to .* failed \(an error status, not 2xx\)$/,
    );
    expect(f.step).toBe(2);
    expect(f.exitCode).toBe(ExitCode.TargetUnreachable);
    expect(f.partial.targetN).toBe(4);
    expect(f.partial.partial).toBe(true);
    expect(f.partial.points.map((p) => p.n)).toEqual([1]);

    const port = await closedPort();
    const gone = await runSweep({
      ...fast,
      steps: [1, 2],
      startTarget: async (n) =>
        n === 1 ? serverTarget() : { url: `http://127.0.0.1:${port}`, pids: [], stop: async () => {} },
    }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ScaleSweepError);
    const g = gone as ScaleSweepError;
    expect(g.message).toBe(
      `scale step N=2: the target stopped answering: target http://127.0.0.1:${port} is unreachable: ECONNREFUSED`,
    );
    expect(g.exitCode).toBe(ExitCode.TargetUnreachable);
    expect(g.partial.points.map((p) => p.n)).toEqual([1]);
  });

  it('returns the completed steps, marked partial, when aborted', async () => {
    const ac = new AbortController();
    const section = await runSweep({
      ...base,
      repeats: 1,
      warmupSec: 0,
      durationSec: 0.2,
      steps: [1, 2, 4],
      signal: ac.signal,
      startTarget: () => serverTarget(),
      onStep: () => ac.abort(),
    });
    expect(section.partial).toBe(true);
    expect(section.points.map((p) => p.n)).toEqual([1]);
    expect(section.notes).toContain('interrupted after N = 1');
  });

  it('keeps only finished steps when aborted during a step', async () => {
    const ac = new AbortController();
    const section = await runSweep({
      ...base,
      repeats: 1,
      warmupSec: 1,
      durationSec: 0.2,
      steps: [1, 2],
      signal: ac.signal,
      startTarget: () => serverTarget(),
      onStep: () => setTimeout(() => ac.abort(), 100),
    });
    expect(section.partial).toBe(true);
    expect(section.points.map((p) => p.n)).toEqual([1]);
    expect(section.notes).toContain('interrupted during N = 2');
  });

  it('flags N beyond the cores left to the system under test in workers mode', async () => {
    const section = await runSweep({
      ...base,
      mode: 'workers',
      connections: 2,
      repeats: 1,
      warmupSec: 0,
      durationSec: 0.2,
      steps: [1, 2, 3],
      startTarget: () => serverTarget(),
    });
    expect(section.sutCores).toBeGreaterThanOrEqual(1);
    for (const p of section.points) {
      expect(p.beyondCores).toBe(p.n > section.sutCores!);
      expect(p.flags.includes('beyond-cores')).toBe(p.n > section.sutCores!);
    }
    expect(section.targetN).toBe(Math.min(3, section.sutCores!));
  });
});
