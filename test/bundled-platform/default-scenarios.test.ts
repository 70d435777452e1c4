import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { defaultPlatformScenarios } from '../../src/bundled-platform/default-scenarios.js';
import { validateScenario } from '../../src/load/run-load.js';

const manifest = {
  users: [
    { id: 'c1', email: 'c1@x', password: 'p', role: 'creator' },
    { id: 'p1', email: 'p1@x', password: 'pp', role: 'production' },
    { id: 'p2', email: 'p2@x', password: 'pp', role: 'production' },
  ],
  publishedPitchIds: ['a', 'b', 'c'],
  creatorIds: ['c1'],
};

const isWrite = (m?: string) => m !== undefined && m !== 'GET';

describe('default platform scenarios', () => {
  it('browse-88 follows the domain mix: 88% reads, 12% writes; browse-95 has 95% reads', () => {
    const s = defaultPlatformScenarios(manifest);
    for (const [name, reads] of [
      ['browse-88', 88],
      ['browse-95', 95],
    ] as const) {
      const reqs = s[name].requests;
      const total = reqs.reduce((a, r) => a + r.weight!, 0);
      const readShare = reqs.filter((r) => !isWrite(r.method)).reduce((a, r) => a + r.weight!, 0);
      expect(total).toBeCloseTo(100, 9);
      expect(readShare).toBeCloseTo(reads, 9);
      expect(() => validateScenario(name, s[name])).not.toThrow();
    }
    // the polling share of the brief: notifications 32%
    const notif = s['browse-88'].requests.filter((r) => r.group === 'notifications').reduce((a, r) => a + r.weight!, 0);
    expect(notif).toBeCloseTo(32, 9);
  });

  it('every request checks its body, not only its status; sign-in captures the token for later requests', () => {
    const sc = defaultPlatformScenarios(manifest)['browse-88'];
    for (const r of sc.requests) {
      const bodyChecked = (r.checks ?? []).some((c) => c.jsonPath !== undefined);
      const conflictOk = (r.expectedStatuses ?? []).includes(409);
      expect(bodyChecked || conflictOk, r.name).toBe(true);
    }
    expect(sc.setup![0]).toMatchObject({ method: 'POST', path: '/api/auth/sign-in', capture: { token: 'data.token' } });
    expect(sc.thresholds).toEqual({ http_req_duration: ['p(99)<200'], http_req_failed: ['rate<0.01'] });
  });

  it('feeds rows from the manifest: production users sign in; pitch and creator ids cycle', () => {
    const rows = defaultPlatformScenarios(manifest)['browse-88'].data as Array<Record<string, string>>;
    expect(rows.map((r) => r.email).slice(0, 3)).toEqual(['p1@x', 'p2@x', 'p1@x']);
    expect(rows.map((r) => r.pitchId).slice(0, 4)).toEqual(['a', 'b', 'c', 'a']);
    expect(new Set(rows.map((r) => r.creatorId))).toEqual(new Set(['c1']));
  });

  it('a manifest without production users or pitches is an InputError', () => {
    expect(() => defaultPlatformScenarios({ ...manifest, users: manifest.users.slice(0, 1) })).toThrow(InputError);
    expect(() => defaultPlatformScenarios({ ...manifest, publishedPitchIds: [] })).toThrow(/no published pitch/);
    // creatorIds missing: creators among users are used
    const rows = defaultPlatformScenarios({ users: manifest.users, publishedPitchIds: ['a'] })['browse-95']
      .data as Array<Record<string, string>>;
    expect(rows[0].creatorId).toBe('c1');
  });
});
