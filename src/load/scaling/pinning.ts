/**
 * CPU pinning with `taskset` (util-linux): the load generator on one core, the system under test on the others, so
 * they do not steal each other's CPU and the efficiency of N workers is measured on N cores.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface PinPlan {
  generatorCpus: number[];
  sutCpus: number[];
}

/** Generator on CPU 0, system under test on the rest; null when the machine has fewer than 2 CPUs. */
export function planPinning(cores = os.availableParallelism()): PinPlan | null {
  if (cores < 2) return null;
  return { generatorCpus: [0], sutCpus: Array.from({ length: cores - 1 }, (_, i) => i + 1) };
}

export function tasksetAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Current affinity mask of a process as taskset prints it (hex, no 0x), e.g. '3'. */
export function readAffinity(pid: number): string {
  const out = execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' });
  const m = /:\s*([0-9a-f,]+)\s*$/i.exec(out.trim());
  if (!m) throw new Error(`cannot read the CPU affinity of pid ${pid}: ${out.trim()}`);
  return m[1];
}

/** Pins every thread of each pid to the CPUs; returns the pids that could not be pinned (e.g. already gone). */
export function pinPids(pids: Iterable<number>, cpus: number[]): number[] {
  const failed: number[] = [];
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus.join(','), String(pid)], { stdio: 'ignore' });
    } catch {
      failed.push(pid);
    }
  }
  return failed;
}

export function restoreAffinity(pid: number, mask: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', mask, String(pid)], { stdio: 'ignore' });
  } catch {
    // best effort: the process keeps its pinned affinity
  }
}
