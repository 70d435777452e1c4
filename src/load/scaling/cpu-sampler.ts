/**
 * Foreign CPU detection on Linux: how much of the machine's CPU processes outside the run used during a step.
 * Machine busy time comes from /proc/stat, our processes' time (load generator + system under test, with all their
 * descendants) from /proc/<pid>/stat; both are in clock ticks, so foreign = (Δbusy − Δours) / Δtotal.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface MachineCpu {
  /** All ticks of all CPUs. */
  total: number;
  /** Ticks not idle and not waiting for I/O. */
  busy: number;
}

/** Parses the aggregate `cpu` line of /proc/stat. */
export function parseProcStat(text: string): MachineCpu {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  // user nice system idle iowait irq softirq steal [guest guest_nice — already counted in user/nice]
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = v[3] + (v[4] ?? 0);
  return { total, busy: total - idle };
}

export interface ProcessStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, in clock ticks. */
  ticks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields count after the last ')'. */
export function parsePidStat(text: string): ProcessStat {
  const close = text.lastIndexOf(')');
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
}

/** Every process's pid, ppid and CPU ticks, from /proc/<pid>/stat. */
export function readAllProcesses(): ProcessStat[] {
  const out: ProcessStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.push(parsePidStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

/** The given pids and all their descendants among `all`. */
export function withDescendants(roots: number[], all: ProcessStat[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return seen;
}

export function cpuSamplingAvailable(): boolean {
  try {
    readFileSync('/proc/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
}

interface Snapshot {
  machine: MachineCpu;
  /** Ticks per pid of our processes at this moment. */
  ours: Map<number, number>;
}

export interface CpuShare {
  /** Share of the machine's CPU (0..1) used by processes outside the run. */
  foreign: number;
  /** Share of the machine's CPU (0..1) used by our processes. */
  ours: number;
  elapsedTicks: number;
}

/**
 * Measures between `start()` and `stop()`. Processes of ours that start or end in between are counted from the
 * snapshot they appear in (a process that ended early loses its ticks after the last snapshot; short steps are fine).
 */
export class CpuSampler {
  private first: Snapshot | null = null;

  constructor(private readonly ownPids: () => number[]) {}

  private snapshot(): Snapshot {
    const machine = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    const all = readAllProcesses();
    const mine = withDescendants(this.ownPids(), all);
    const ours = new Map<number, number>();
    for (const p of all) if (mine.has(p.pid)) ours.set(p.pid, p.ticks);
    return { machine, ours };
  }

  start(): void {
    this.first = this.snapshot();
  }

  stop(): CpuShare | null {
    if (!this.first) return null;
    const a = this.first;
    const b = this.snapshot();
    this.first = null;
    const total = b.machine.total - a.machine.total;
    if (total <= 0) return null;
    let ours = 0;
    for (const [pid, ticks] of b.ours) ours += ticks - (a.ours.get(pid) ?? 0);
    const busy = b.machine.busy - a.machine.busy;
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return { foreign: clamp((busy - ours) / total), ours: clamp(ours / total), elapsedTicks: total };
  }
}
