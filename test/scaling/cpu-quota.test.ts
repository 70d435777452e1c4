import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeScalingEfficiency } from '../../src/load/scaling/builtin-functions.js';
import { probeCpuQuota } from '../../src/load/scaling/cpu-quota.js';
import { runSweep, type ScaleTarget } from '../../src/load/scaling/sweep.js';
import { startClusterServer } from './cluster-server.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cgroup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function mounts(lines: string[]): string {
  const file = path.join(tmp, `mounts-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function clusterTarget(n: number): Promise<ScaleTarget> {
  const s = await startClusterServer(n);
  return { url: s.url, pids: [s.primary], cluster: { primary: s.primary }, stop: s.stop };
}

const support = probeCpuQuota();
const quotaHere = !('reason' in support);

describe('probeCpuQuota: when quotas cannot be set', () => {
  it('names a read-only cgroup file system', () => {
    const file = mounts(['cgroup /sys/fs/cgroup/cpu cgroup ro,nosuid,nodev,noexec,relatime,cpu 0 0']);
    expect(probeCpuQuota({ mountsFile: file, root: tmp })).toEqual({
      reason: `CPU quotas cannot be set: ${path.join(tmp, 'cpu')} is mounted read-only`,
    });
  });

  it('says when no hierarchy has the cpu controller (v1 without cpu, v2 without cpu in cgroup.controllers)', () => {
    fs.mkdirSync(path.join(tmp, 'unified'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'unified', 'cgroup.controllers'), 'memory pids\n');
    const file = mounts([
      'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0',
      'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
    ]);
    expect(probeCpuQuota({ mountsFile: file, root: tmp })).toEqual({
      reason: 'no cgroup hierarchy with the cpu controller is mounted',
    });
  });

  it.runIf(quotaHere && process.getuid?.() === 0)('says "not root" for an unprivileged user', () => {
    // The same probe in a child process running as nobody (uid 65534) against the real /proc/self/mounts.
    const jiti = path.resolve('node_modules/jiti/lib/jiti-cli.mjs');
    const script = path.join(tmp, 'probe.ts');
    fs.writeFileSync(
      script,
      `import { probeCpuQuota } from ${JSON.stringify(path.resolve('src/load/scaling/cpu-quota.ts'))};\n` +
        'process.stdout.write(JSON.stringify(probeCpuQuota()));\n',
    );
    fs.chmodSync(tmp, 0o755);
    const out = spawnSync(process.execPath, [jiti, script], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, HOME: tmp },
    });
    const result = JSON.parse(out.stdout) as { reason?: string };
    expect(result.reason).toMatch(/^CPU quotas cannot be set: .* is not writable \(EACCES, not root\)/);
  });
});

describe.runIf(quotaHere)('a sweep under the CPU-quota scale model (cgroups on this machine)', () => {
  it('gives each worker its budget: 0.1 CPU at ≥ 1 ms per request is ≤ 100 req/s per worker, throttled', async () => {
    const section = await runSweep({
      mode: 'workers',
      steps: [1, 2],
      repeats: 1,
      warmupSec: 0.5,
      durationSec: 2,
      connections: 4,
      path: '/work',
      cpuQuota: { unitCpus: 0.1, sharedCpus: 0.1 },
      startTarget: clusterTarget,
      fit: { bootstrap: 0 },
    });
    expect(section.cpuQuota).toEqual({
      mechanism: (support as { version: string }).version === 'v2' ? 'cgroup-v2' : 'cgroup-v1',
      unitCpus: 0.1,
      sharedCpus: 0.1,
      periodUs: 100_000,
    });
    const [one, two] = section.points;
    // Unconstrained, one worker serves ~800 req/s here; its budget allows 100 ms of CPU per second = ≤ 100 requests.
    expect(one.throughput).toBeGreaterThan(40);
    expect(one.throughput).toBeLessThanOrEqual(105);
    expect(two.throughput).toBeLessThanOrEqual(210);
    expect(one.quotaThrottled!.units).toBeGreaterThanOrEqual(0.5);
    expect(two.quotaThrottled!.units).toBeGreaterThanOrEqual(0.5);
    // 2 × 0.1 + 0.1 = 0.3 CPU fits the system under test's core: N = 2 is within the budget, and the target.
    expect(two.beyondCores).toBe(false);
    expect(section.targetN).toBe(2);
    expect(section.notes.join('\n')).toContain(
      'scale model: each worker limited to 0.1 CPU, the shared primary (database) to 0.1 CPU',
    );
    // The groups are gone afterwards.
    const parent = (support as { parent: string }).parent;
    expect(fs.readdirSync(parent).filter((d) => d.startsWith(`pitchey-fit-${process.pid}-`))).toEqual([]);
  });
});

describe('a sweep when quotas cannot be set falls back to the inconclusive path with the reason', () => {
  it('states the reason, records no budgets, and N beyond the cores is not judged', async () => {
    const file = mounts(['cgroup /sys/fs/cgroup/cpu cgroup ro,cpu 0 0']);
    const section = await runSweep({
      mode: 'workers',
      steps: [1, os.availableParallelism()],
      repeats: 1,
      warmupSec: 0,
      durationSec: 0.5,
      connections: 2,
      path: '/',
      cpuQuota: { unitCpus: 0.1, sharedCpus: 0.1 },
      cgroupProbe: { mountsFile: file, root: tmp },
      startTarget: clusterTarget,
      fit: { bootstrap: 0 },
      pin: true,
    });
    expect(section.cpuQuota).toBeUndefined();
    expect(section.notes.join('\n')).toContain(
      `scale model off (CPU quotas cannot be set: ${path.join(tmp, 'cpu')} is mounted read-only)`,
    );
    const top = section.points.at(-1)!;
    expect(top.quotaThrottled).toBeUndefined();
    if (section.sutCores! < top.n) {
      expect(top.beyondCores).toBe(true);
      const v = judgeScalingEfficiency({ scale: { ...section, targetN: top.n } } as never);
      expect(v.verdict).toBe('inconclusive');
    }
  });

  it('rejects a budget that is not a positive CPU count (exit 2, key path)', async () => {
    await expect(
      runSweep({
        mode: 'workers',
        steps: [1],
        repeats: 1,
        warmupSec: 0,
        durationSec: 0.5,
        path: '/',
        cpuQuota: { unitCpus: 0, sharedCpus: 0.1 },
        startTarget: clusterTarget,
      }),
    ).rejects.toThrow('config scale.cpuQuota.unitCpus: must be a CPU count above 0, got 0');
  });
});
