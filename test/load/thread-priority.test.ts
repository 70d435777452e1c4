import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { currentThreadId, LoadThreadPriority } from '../../src/load/native/thread-priority.js';

const linux = process.platform === 'linux';

function threads(): number[] {
  return readdirSync('/proc/self/task').map(Number);
}

function niceOf(tids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of tids) {
    try {
      out.set(t, getPriority(t));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

describe.runIf(linux)('LoadThreadPriority (Linux: a thread id is a pid to setpriority)', () => {
  it('the main thread id is the process id', () => {
    expect(currentThreadId()).toBe(process.pid);
  });

  it('lowers every other thread of the process to nice 19 and gives each its priority back', () => {
    const others = threads().filter((t) => t !== process.pid);
    // node always has V8's platform workers and its own helper threads besides the main thread
    expect(others.length).toBeGreaterThan(2);
    const before = niceOf(others);
    const p = new LoadThreadPriority(0);
    expect(p.loweredCount).toBe(before.size);
    for (const [tid, nice] of niceOf(others)) expect(nice, `thread ${tid}`).toBe(19);
    expect(getPriority(process.pid)).toBe(getPriority());
    p.restore();
    const after = niceOf(others);
    // raising a thread's priority again needs CAP_SYS_NICE: as root it is back, otherwise it stays lowered
    const privileged = process.getuid?.() === 0;
    for (const [tid, nice] of after) expect(nice, `thread ${tid}`).toBe(privileged ? before.get(tid) : 19);
  });

  it('waits for every load thread to report, and keeps them (and the caller) at their priority', async () => {
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const { readlinkSync } = require('node:fs');
       parentPort.postMessage(Number(readlinkSync('/proc/thread-self').split('/').pop()));
       setTimeout(() => {}, 2000);`,
      { eval: true },
    );
    const tid = await new Promise<number>((resolve) => worker.once('message', resolve));
    const p = new LoadThreadPriority(1);
    expect(p.loweredCount).toBe(0);
    p.add(tid);
    try {
      expect(p.loweredCount).toBeGreaterThan(0);
      expect(getPriority(tid)).toBe(getPriority(process.pid));
      const lowered = threads().filter((t) => t !== tid && t !== process.pid);
      expect([...niceOf(lowered).values()].every((n) => n === 19)).toBe(true);
    } finally {
      p.restore();
      await worker.terminate();
    }
  });
});
