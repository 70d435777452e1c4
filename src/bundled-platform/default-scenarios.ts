import type { RequestConfig, ScenarioConfig } from '../config/types.js';
import { seedManifestRows, type SeedManifest } from './seed-manifest.js';

const ok = [
  { name: 'status 2xx', status: [200, 201] },
  { name: 'envelope success', jsonPath: 'success', equals: true },
];
const okList = [...ok, { name: 'has items', jsonPath: 'data.items' }];
const auth = { authorization: 'Bearer ${vars.token}' };

type Mix = Array<[share: number, request: RequestConfig]>;

/**
 * The domain brief's traffic mix of an active browsing session (≈88% reads / 12% writes once view tracking counts as
 * a write). Shares are percentages of requests; every response body is checked (`success: true`), not only the status.
 */
function readMix(): Mix {
  return [
    [
      20,
      {
        name: 'notifications unread-count',
        group: 'notifications',
        path: '/api/notifications/unread-count',
        headers: auth,
        checks: ok,
      },
    ],
    [
      12,
      {
        name: 'notifications list',
        group: 'notifications',
        path: '/api/notifications?limit=20',
        headers: auth,
        checks: okList,
      },
    ],
    [
      7,
      { name: 'browse trending', group: 'browse', path: '/api/pitches/public?tab=trending&limit=20', checks: okList },
    ],
    [7, { name: 'browse new', group: 'browse', path: '/api/pitches/public?tab=new&limit=20', checks: okList }],
    [
      12,
      {
        name: 'pitch detail',
        group: 'pitch',
        path: '/api/pitches/${data.pitchId}',
        headers: auth,
        checks: [...ok, { name: 'pitch id', jsonPath: 'data.id' }],
      },
    ],
    [
      4,
      {
        name: 'nda status',
        group: 'status',
        path: '/api/ndas/pitch/${data.pitchId}/status',
        headers: auth,
        checks: ok,
      },
    ],
    [
      4,
      {
        name: 'like status',
        group: 'status',
        path: '/api/pitches/${data.pitchId}/interactions',
        headers: auth,
        checks: ok,
      },
    ],
    [6, { name: 'search', group: 'search', path: '/api/search?q=${data.term}&limit=20', checks: okList }],
    [6, { name: 'dashboard', group: 'dashboard', path: '/api/dashboard', headers: auth, checks: ok }],
    [4, { name: 'session', group: 'account', path: '/api/auth/session', headers: auth, checks: ok }],
    [3, { name: 'creator profile', group: 'account', path: '/api/users/${data.creatorId}', checks: ok }],
    [
      3,
      {
        name: 'following list',
        group: 'account',
        path: '/api/follows/following?limit=20',
        headers: auth,
        checks: [...ok, { name: 'has data', jsonPath: 'data' }],
      },
    ],
  ];
}

function writeMix(): Mix {
  return [
    [
      7,
      {
        name: 'track view',
        group: 'write',
        method: 'POST',
        path: '/api/pitches/${data.pitchId}/view',
        headers: auth,
        checks: ok,
      },
    ],
    [
      1,
      {
        name: 'like',
        group: 'write',
        method: 'POST',
        path: '/api/pitches/${data.pitchId}/like',
        headers: auth,
        checks: ok,
      },
    ],
    [
      0.5,
      {
        name: 'save',
        group: 'write',
        method: 'POST',
        path: '/api/pitches/${data.pitchId}/save',
        headers: auth,
        checks: ok,
      },
    ],
    // following someone already followed, or asking again for an NDA already requested, is a 409 by design: expected
    [
      0.5,
      {
        name: 'follow',
        group: 'write',
        method: 'POST',
        path: '/api/follows/${data.creatorId}',
        headers: auth,
        expectedStatuses: [200, 201, 409],
        checks: [{ name: 'follow answered', status: [200, 201, 409] }],
      },
    ],
    [
      0.5,
      {
        name: 'nda request',
        group: 'write',
        method: 'POST',
        path: '/api/ndas/request',
        headers: auth,
        body: { pitchId: '${data.pitchId}', message: 'load test' },
        expectedStatuses: [200, 201, 409],
        checks: [{ name: 'nda answered', status: [200, 201, 409] }],
      },
    ],
    [
      0.5,
      {
        name: 'pitch create',
        group: 'write',
        method: 'POST',
        path: '/api/pitches',
        headers: auth,
        body: {
          title: 'Load test pitch ${iteration}',
          logline: 'A pitch written by the load test',
          genre: 'drama',
          format: 'feature',
          budgetBand: 'low',
        },
        checks: [
          { name: 'status 201', status: 201 },
          { name: 'envelope success', jsonPath: 'success', equals: true },
        ],
      },
    ],
    [
      2,
      {
        name: 'mark notifications read',
        group: 'write',
        method: 'PUT',
        path: '/api/notifications/read-all',
        headers: auth,
        checks: ok,
      },
    ],
  ];
}

function toRequests(mix: Mix): RequestConfig[] {
  return mix.map(([share, r]) => ({ ...r, weight: share }));
}

/** Rescales reads to `readShare` percent and writes to the rest, keeping proportions inside each. */
function mixWithReadShare(readShare: number): RequestConfig[] {
  const reads = readMix();
  const writes = writeMix();
  const rSum = reads.reduce((s, [w]) => s + w, 0);
  const wSum = writes.reduce((s, [w]) => s + w, 0);
  return [
    ...toRequests(reads.map(([w, r]) => [(w * readShare) / rSum, r])),
    ...toRequests(writes.map(([w, r]) => [(w * (100 - readShare)) / wSum, r])),
  ];
}

/**
 * Default scenarios for the bundled platform, fed from its seed manifest:
 *  - `browse-88`: the domain brief's mix (≈88% reads), 50 req/s open model for 30 s (the production system's baseline);
 *  - `browse-95`: the architecture review's 95% reads, same load.
 * Each VU signs in once (setup) as a production-company user (a role allowed every request of the mix) and sends the
 * token on later requests. Thresholds: the review's p99 < 200 ms and < 1% failed requests.
 */
export function defaultPlatformScenarios(manifest: SeedManifest): Record<string, ScenarioConfig> {
  const data = seedManifestRows(manifest);
  const common = {
    executor: 'constant-arrival-rate' as const,
    rate: 50,
    timeUnit: '1s',
    duration: '30s',
    preAllocatedVUs: 20,
    maxVUs: 200,
    gracefulStop: '10s',
    data,
    setup: [
      {
        name: 'sign in',
        group: 'setup',
        method: 'POST' as const,
        path: '/api/auth/sign-in',
        body: { email: '${data.email}', password: '${data.password}' },
        capture: { token: 'data.token' },
        checks: ok,
      },
    ],
    thresholds: { http_req_duration: ['p(99)<200'], http_req_failed: ['rate<0.01'] },
  };
  return {
    'browse-88': { ...common, requests: mixWithReadShare(88), tags: { mix: '88-reads' } },
    'browse-95': { ...common, requests: mixWithReadShare(95), tags: { mix: '95-reads' } },
  };
}
