import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectStatic } from '../../src/fitness/index.js';
import { domainOfRouteSegment } from '../../src/fitness/detectors/mixed-responsibilities.js';
import {
  clientCallPrefilter,
  DEFAULT_CLIENTS,
  DEFAULT_WRAPPERS,
  patternToRegex,
} from '../../src/fitness/detectors/circuit-breakers.js';
import { fileFacts } from '../../src/fitness/detectors/file-facts.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-detectors-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function repo(name: string, files: Record<string, string>): string {
  const root = path.join(tmp, name);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
  return root;
}

describe('route segments', () => {
  it('maps route segments to service names', () => {
    const s = ['user', 'pitch', 'nda', 'notification', 'media'];
    expect(
      ['users', 'pitches', 'ndas', 'notifications', 'media', 'auth', 'search'].map(
        (x) => domainOfRouteSegment(x, s) ?? null,
      ),
    ).toEqual(['user', 'pitch', 'nda', 'notification', 'media', null, null]);
  });
});

describe('detectors on a small repo', () => {
  const root = repo('svc', {
    'a/db.ts': "export const a = (db: any) => db.selectFrom('orders').where('id', '=', 1);\n",
    'a/http.ts':
      "import { rateLimit } from '../lib/limits.js';\nexport const start = (app: any) => { app.get('/api/a', rateLimit(), () => 1); };\n",
    'b/db.ts': 'export const b = (q: any, id: string) => q(`SELECT * FROM orders WHERE id = ${id}`);\n',
    'b/http.ts':
      [
        "import { wrap } from '../lib/limits.js';",
        'export const start = (app: any, http: any) => {',
        "  app.get('/api/b', async () => http.get('http://x.invalid'));",
        "  app.get('/api/b2', async () => wrap(() => http.get('http://y.invalid')));",
        '};',
      ].join('\n') + '\n',
    'lib/limits.ts': 'export const rateLimit = () => () => undefined;\nexport const wrap = <T>(f: () => T) => f();\n',
  });
  const run = (detectors: object) =>
    collectStatic({
      root,
      services: { a: ['a/**'], b: ['b/**'] },
      shared: ['lib/**'],
      allowedDependencies: [],
      static: { detectors },
    });

  it('table ownership reads a query builder and a template literal (test/fitness/tables.test.ts has the rest)', async () => {
    const c = await run({});
    expect(c.section.tables!.tables).toEqual([
      {
        table: 'orders',
        readers: ['a', 'b'],
        writers: [],
        references: [
          { file: 'a/db.ts', line: 1, access: 'read', owner: 'a', live: true },
          { file: 'b/db.ts', line: 1, access: 'read', owner: 'b', live: true },
        ],
      },
    ]);
  });

  it('uses configured client and wrapper names for circuit breakers', async () => {
    const defaults = await run({});
    expect(defaults.section.detectors.unprotectedCalls).toEqual([
      { service: 'b', file: 'b/http.ts', line: 3, callee: 'http.get' },
      { service: 'b', file: 'b/http.ts', line: 4, callee: 'http.get' },
    ]);
    const configured = await run({ circuitBreakers: { clients: ['http.*'], wrappers: ['wrap'] } });
    expect(configured.section.detectors.unprotectedCalls).toEqual([
      { service: 'b', file: 'b/http.ts', line: 3, callee: 'http.get' },
    ]);
  });

  it('reports services whose HTTP entry has no rate limiting (configurable middleware names)', async () => {
    const c = await run({});
    expect(c.section.detectors.rateLimits).toEqual([
      { service: 'a', httpEntry: 'a/http.ts', rateLimited: true, evidence: 'a/http.ts' },
      { service: 'b', httpEntry: 'b/http.ts', rateLimited: false },
    ]);
    expect(c.findings.filter((f) => f.rule === 'no-rate-limit').map((f) => f.service)).toEqual(['b']);
    const configured = await run({ rateLimits: { middleware: ['limits'] } });
    expect(configured.section.detectors.rateLimits).toContainEqual({
      service: 'b',
      httpEntry: 'b/http.ts',
      rateLimited: true,
      evidence: 'b/http.ts',
    });
  });

  it('can switch every detector off', async () => {
    const c = await run({
      sharedTables: false,
      mixedResponsibilities: false,
      circuitBreakers: false,
      rateLimits: false,
    });
    expect(c.section.detectors).toEqual({});
    expect(c.findings).toEqual([]);
  });
});

describe('detector fixes from issue 12', () => {
  const options = {
    clients: DEFAULT_CLIENTS.map(patternToRegex),
    clientPrefilter: clientCallPrefilter(DEFAULT_CLIENTS),
    wrappers: DEFAULT_WRAPPERS.map(patternToRegex),
    rateLimitNames: ['rateLimit'],
  };

  it('counts `(await this.redis.llen(k)).toString()` once, as redis.llen', () => {
    const text =
      'export class C {\n  async n(k: string) {\n    return (await this.redis.llen(k)).toString();\n  }\n}\n';
    expect(fileFacts('/c.ts', text, options).unprotectedCalls).toEqual([{ callee: 'redis.llen', line: 3 }]);
  });

  it('recognises route registration through a method call as an HTTP entry', () => {
    expect(fileFacts('/w.ts', "this.register('GET', '/api/users', h);\n", options).httpEntry).toBe(true);
    expect(fileFacts('/w.ts', "router.add('POST', '/api/pitches', h);\n", options).httpEntry).toBe(true);
    expect(fileFacts('/w.ts', "this.register('plugin', opts);\n", options).httpEntry).toBe(false);
  });

  it('caches facts per file content: a warm run computes only the changed file', async () => {
    const root = repo('cached', {
      'a.ts': "export const q = (db: any) => db.query('SELECT * FROM orders WHERE id = $1');\n",
      'b.ts': "export const f = () => fetch('http://x.invalid');\n",
      'c.ts': 'export const c = 1;\n',
    });
    const cacheDir = path.join(root, '.cache');
    const opts = { root, services: {}, shared: [], allowedDependencies: [], static: {}, cacheDir };
    const cold = await collectStatic(opts);
    expect(cold.section.detectors.factCache).toEqual({ hits: 0, misses: 3 });
    fs.appendFileSync(path.join(root, 'c.ts'), "export const g = () => fetch('http://y.invalid');\n");
    const warm = await collectStatic(opts);
    expect(warm.section.detectors.factCache).toEqual({ hits: 2, misses: 1 });
    expect((warm.section.detectors.unprotectedCalls as Array<{ file: string }>).map((c) => c.file)).toEqual([
      'b.ts',
      'c.ts',
    ]);
    // Other client names give other facts: the cache does not apply.
    const other = await collectStatic({ ...opts, static: { detectors: { circuitBreakers: { clients: ['db.*'] } } } });
    expect(other.section.detectors.factCache).toEqual({ hits: 0, misses: 3 });
    expect((other.section.detectors.unprotectedCalls as Array<{ callee: string }>).map((c) => c.callee)).toEqual([
      'db.query',
    ]);
  });
});
