import { describe, expect, it } from 'vitest';
import { planExecutor } from '../../src/load/executor-plan.js';
import { achievedRate, saturationReasons } from '../../src/load/generator-saturation.js';
import type { SegmentRunOutput } from '../../src/load/native/segment-io.js';

const open = planExecutor(
  { executor: 'constant-arrival-rate', rate: 100, duration: '10s', preAllocatedVUs: 5, requests: [] },
  's',
);
const closed = planExecutor({ executor: 'constant-vus', vus: 5, duration: '10s', requests: [] }, 's');

function output(over: Partial<SegmentRunOutput>): SegmentRunOutput {
  return {
    snapshot: { keepSamples: false, entries: [] },
    endpoints: [],
    startedAtEpochMs: 0,
    durationMs: 10_000,
    partial: false,
    scheduledIterations: 500,
    lastDispatchMs: 9_990,
    startedIterations: 500,
    droppedIterations: 0,
    responses: 500,
    networkErrors: {},
    templateErrors: {},
    eventLoopUtilization: 0.3,
    gcPauseMs: 40,
    gcMaxPauseMs: 1.5,
    cpuWaitMs: 3,
    maxSendLagMs: 2,
    sendLagP99Ms: 1.5,
    vusAllocated: 3,
    ...over,
  };
}

describe('generator self-watch', () => {
  it('a generator that kept up is not saturated (two segments of 500 = the 1000 scheduled)', () => {
    expect(saturationReasons(open, [output({}), output({})])).toEqual([]);
    expect(achievedRate(open as never, [output({}), output({})])).toBe(100); // 1000 over 10 s
  });

  it('CPU-bound thread, send lag past 10 ms, achieved rate short of target: each is a reason', () => {
    expect(saturationReasons(closed, [output({ eventLoopUtilization: 0.97 })])[0]).toMatch(
      /thread 1\/1 was CPU-bound: event loop busy 97%/,
    );
    expect(saturationReasons(open, [output({ sendLagP99Ms: 25 }), output({})])[0]).toMatch(
      /send lag p99 25\.0ms exceeds 10ms/,
    );
    // 1000 dispatched, the last at 12.5 s instead of before 10 s: 80/s of 100/s
    const late = saturationReasons(open, [output({ lastDispatchMs: 12_500 }), output({})]);
    expect(late).toEqual(['achieved arrival rate 80.0/s is short of the target 100.0/s']);
  });

  it('late sends from a loop that was not busy name the measured pauses: GC totals and the wait for a CPU', () => {
    const two = [output({ sendLagP99Ms: 12, gcPauseMs: 90, gcMaxPauseMs: 6.25 }), output({ cpuWaitMs: 250 })];
    expect(saturationReasons(open, two)).toEqual([
      'send lag p99 12.0ms exceeds 10ms: requests left the generator late (its event loop was busy 30% on average, ' +
        'so the lateness came from pauses: GC stopped it 130ms in all (longest 6.3ms); it waited 253ms for a CPU ' +
        "that other threads held (other processes, or V8's GC and compiler helpers on the same core))",
    ]);
    expect(saturationReasons(open, [output({ sendLagP99Ms: 12, cpuWaitMs: null })])[0]).toMatch(
      /GC stopped it 40ms in all \(longest 1\.5ms\); other threads may have taken the CPU \(not measurable here\)\)$/,
    );
  });

  it("dropped iterations are the target's slowness, not the generator's", () => {
    expect(saturationReasons(open, [output({ startedIterations: 300, droppedIterations: 200 }), output({})])).toEqual(
      [],
    );
  });
});
