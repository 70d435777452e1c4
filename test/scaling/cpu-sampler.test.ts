import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuSampler, parsePidStat, parseProcStat, withDescendants } from '../../src/load/scaling/cpu-sampler.js';

describe('/proc parsing', () => {
  it('reads machine busy and total ticks from /proc/stat', () => {
    const text = 'cpu  100 5 50 800 20 3 2 10 7 0\ncpu0 50 2 25 400 10 1 1 5 0 0\nintr 1 2\n';
    // total = user+nice+system+idle+iowait+irq+softirq+steal = 100+5+50+800+20+3+2+10 = 990 (guest is inside user)
    // busy = total − idle − iowait = 990 − 820 = 170
    expect(parseProcStat(text)).toEqual({ total: 990, busy: 170 });
  });

  it('reads pid, ppid and utime+stime even when the command name has spaces and parentheses', () => {
    const text =
      '4242 (node (worker) 1) S 4200 4242 4200 0 -1 4194560 1500 0 0 0 731 205 0 0 20 0 11 0 9999 1000000 5000 18446744073709551615';
    expect(parsePidStat(text)).toEqual({ pid: 4242, ppid: 4200, ticks: 731 + 205 });
  });

  it('collects descendants', () => {
    const all = [
      { pid: 1, ppid: 0, ticks: 0 },
      { pid: 10, ppid: 1, ticks: 0 },
      { pid: 11, ppid: 10, ticks: 0 },
      { pid: 12, ppid: 1, ticks: 0 },
    ];
    expect([...withDescendants([10], all)].sort()).toEqual([10, 11]);
  });
});

describe.runIf(process.platform === 'linux')('CpuSampler on this machine', () => {
  const busy = (ms: number) => `const end = Date.now() + ${ms}; while (Date.now() < end) {}`;

  /** A busy process that is not our descendant: the shell starts it in the background and exits (it is re-parented). */
  async function withForeignBusyProcess<T>(ms: number, measure: (pid: number) => Promise<T>): Promise<T> {
    const sh = spawn('sh', ['-c', `"${process.execPath}" -e '${busy(ms)}' >/dev/null 2>&1 & echo $!`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    sh.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await new Promise((r) => sh.once('exit', r));
    const pid = Number(out.trim());
    try {
      return await measure(pid);
    } finally {
      try {
        process.kill(pid);
      } catch {
        /* already ended */
      }
    }
  }

  async function withBusyChild<T>(ms: number, measure: (pid: number) => Promise<T>): Promise<T> {
    const child = spawn(process.execPath, ['-e', busy(ms)], { stdio: 'ignore' });
    try {
      return await measure(child.pid!);
    } finally {
      if (child.exitCode === null)
        await new Promise((r) => {
          child.once('exit', r);
          child.kill();
        });
    }
  }

  const ticksOf = (pid: number) => parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).ticks;

  /** Samples for 700 ms while the busy process runs; returns the sampler's shares and the busy process's own share. */
  async function sample(own: () => number[], busyPid: number) {
    const s = new CpuSampler(own);
    const before = ticksOf(busyPid);
    s.start();
    await new Promise((r) => setTimeout(r, 700));
    const share = s.stop()!;
    const busyShare = (ticksOf(busyPid) - before) / share.elapsedTicks;
    // 2 ticks of slack: the busy process is read just outside the sampler's window
    return { ...share, busyShare, slack: 2 / share.elapsedTicks };
  }

  // The machine is shared: the busy process gets what the scheduler gives it, so assertions compare with its own ticks.
  it('counts a busy process outside the run as foreign', async () => {
    const r = await withForeignBusyProcess(1200, (pid) => sample(() => [process.pid], pid));
    expect(r.busyShare).toBeGreaterThan(0);
    expect(r.foreign).toBeGreaterThanOrEqual(r.busyShare - r.slack);
  });

  it('counts a busy process as ours when its pid is given, and our children as ours', async () => {
    const given = await withBusyChild(1200, (pid) => sample(() => [pid], pid));
    expect(given.busyShare).toBeGreaterThan(0);
    expect(given.ours).toBeGreaterThanOrEqual(given.busyShare - given.slack);
    const child = await withBusyChild(1200, (pid) => sample(() => [process.pid], pid));
    expect(child.ours).toBeGreaterThanOrEqual(child.busyShare - child.slack);
  });
});
