import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { capacityOverrides, sweepOverrides } from '../../src/load/overrides.js';

// What --vus / --duration / --iterations / --rate mean for a sweep step and a capacity trial (issue 15 item 6).
describe('sweepOverrides / capacityOverrides', () => {
  it('closed-max sweep of workers: --vus is connections per worker, --duration each measured run (1m30s = 90 s)', () => {
    const o = sweepOverrides({ vus: 16, duration: '1m30s' }, { mode: 'workers', measure: 'closed-max', strict: true });
    expect(o.connections).toBe(16);
    expect(o.durationSec).toBe(90);
    expect(o.notes).toEqual([
      "overridden from the command line: vus=16 (connections per worker or replica), duration=1m30s (each step's " +
        'measured run)',
    ]);
  });

  it('capacity-measured sweep: --vus has no meaning (refused by the scale command, stated under check)', () => {
    const sweep = { mode: 'command', measure: 'capacity' as const };
    expect(() => sweepOverrides({ vus: 4 }, { ...sweep, strict: true })).toThrow(UsageError);
    expect(() => sweepOverrides({ vus: 4 }, { ...sweep, strict: true })).toThrow(
      "--vus does not apply to the scaling sweep: with scale.measure 'capacity' the open model sizes VUs from each rate",
    );
    const o = sweepOverrides({ vus: 4, duration: '2s', rate: 9 }, { ...sweep, strict: false });
    expect(o.connections).toBeUndefined();
    expect(o.durationSec).toBe(2);
    expect(o.notes[1]).toBe(
      "not applied to the scaling sweep: --vus (with scale.measure 'capacity' the open model sizes VUs from each " +
        'rate); --rate (the capacity search chooses the rates; set scale.capacity.startRate)',
    );
  });

  it('capacity: only --duration applies; no overrides, no notes', () => {
    expect(capacityOverrides({ duration: '500ms' }, true)).toEqual({
      durationSec: 0.5,
      notes: ['overridden from the command line: duration=500ms (each trial)'],
    });
    expect(capacityOverrides(undefined, true)).toEqual({ notes: [] });
    expect(() => capacityOverrides({ iterations: 3 }, true)).toThrow(
      '--iterations does not apply to the capacity search: its trials run for a duration',
    );
  });
});
