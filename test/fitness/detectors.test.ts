import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectStatic } from '../../src/fitness/index.js';
import { tablesInSql } from '../../src/fitness/detectors/shared-tables.js';
import { domainOfRouteSegment } from '../../src/fitness/detectors/mixed-responsibilities.js';

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

describe('SQL table extraction', () => {
  it('finds tables after FROM / JOIN / INTO / UPDATE / TABLE, schema-qualified and quoted', () => {
    expect(tablesInSql('SELECT * FROM pitches p JOIN "Users" u ON u.id = p.owner_id LEFT JOIN nda.ndas n ON true')).toEqual(['pitches', 'users', 'nda.ndas']);
    expect(tablesInSql('INSERT INTO notifications (a) VALUES ($1)')).toEqual(['notifications']);
    expect(tablesInSql("UPDATE ndas SET status = 'x'")).toEqual(['ndas']);
    expect(tablesInSql('CREATE TABLE IF NOT EXISTS media_files (id int)')).toEqual(['media_files']);
    expect(tablesInSql('DELETE FROM follows WHERE a = 1')).toEqual(['follows']);
    expect(tablesInSql('SELECT x FROM (SELECT 1) s')).toEqual([]);
    // Prose is not SQL.
    expect(tablesInSql('Imported from the legacy system into the new one')).toEqual([]);
  });

  it('maps route segments to service names', () => {
    const s = ['user', 'pitch', 'nda', 'notification', 'media'];
    expect(['users', 'pitches', 'ndas', 'notifications', 'media', 'auth', 'search'].map((x) => domainOfRouteSegment(x, s) ?? null))
      .toEqual(['user', 'pitch', 'nda', 'notification', 'media', null, null]);
  });
});

describe('detectors on a small repo', async () => {
  const root = repo('svc', {
    'a/db.ts': "export const a = (db: any) => db.selectFrom('orders').where('id', '=', 1);\n",
    'a/http.ts': "import { rateLimit } from '../lib/limits.js';\nexport const start = (app: any) => { app.get('/api/a', rateLimit(), () => 1); };\n",
    'b/db.ts': "export const b = (q: any, id: string) => q(`SELECT * FROM orders WHERE id = ${id}`);\n",
    'b/http.ts': [
      "import { wrap } from '../lib/limits.js';",
      "export const start = (app: any, http: any) => {",
      "  app.get('/api/b', async () => http.get('http://x.invalid'));",
      "  app.get('/api/b2', async () => wrap(() => http.get('http://y.invalid')));",
      '};',
    ].join('\n') + '\n',
    'lib/limits.ts': 'export const rateLimit = () => () => undefined;\nexport const wrap = <T>(f: () => T) => f();\n',
  });
  const run = (detectors: object) => collectStatic({
    root, services: { a: ['a/**'], b: ['b/**'] }, shared: ['lib/**'], allowedDependencies: [], static: { detectors },
  });

  it('finds a table used by two services through a query builder and a template literal', async () => {
    const c = await run({});
    expect(c.section.detectors.sharedTables).toEqual([{
      table: 'orders', services: ['a', 'b'],
      locations: [{ file: 'a/db.ts', line: 1, service: 'a' }, { file: 'b/db.ts', line: 1, service: 'b' }],
    }]);
  });

  it('uses configured client and wrapper names for circuit breakers', async () => {
    const defaults = await run({});
    expect(defaults.section.detectors.unprotectedCalls).toEqual([{ service: 'b', file: 'b/http.ts', line: 3, callee: 'http.get' }, { service: 'b', file: 'b/http.ts', line: 4, callee: 'http.get' }]);
    const configured = await run({ circuitBreakers: { clients: ['http.*'], wrappers: ['wrap'] } });
    expect(configured.section.detectors.unprotectedCalls).toEqual([{ service: 'b', file: 'b/http.ts', line: 3, callee: 'http.get' }]);
  });

  it('reports services whose HTTP entry has no rate limiting (configurable middleware names)', async () => {
    const c = await run({});
    expect(c.section.detectors.rateLimits).toEqual([
      { service: 'a', httpEntry: 'a/http.ts', rateLimited: true, evidence: 'a/http.ts' },
      { service: 'b', httpEntry: 'b/http.ts', rateLimited: false },
    ]);
    expect(c.findings.filter((f) => f.rule === 'no-rate-limit').map((f) => f.service)).toEqual(['b']);
    const configured = await run({ rateLimits: { middleware: ['limits'] } });
    expect(configured.section.detectors.rateLimits).toContainEqual({ service: 'b', httpEntry: 'b/http.ts', rateLimited: true, evidence: 'b/http.ts' });
  });

  it('can switch every detector off', async () => {
    const c = await run({ sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false });
    expect(c.section.detectors).toEqual({});
    expect(c.findings).toEqual([]);
  });
});
