import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStatic, proposeServices, proposeShared } from '../../src/fitness/index.js';
import { loadSqlParser, tablesOfSql, toPostgresParameters } from '../../src/fitness/tables/sql-tables.js';
import { sqlOfFile } from '../../src/fitness/tables/table-ownership.js';
import { fixture } from './fixture-config.js';

// Expected values are derived by reading the SQL (and fixtures/worker-monolith/ANSWERS.md, "Tables").
const root = fixture('worker-monolith');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-tables-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => loadSqlParser());

describe('tables of a SQL statement (PostgreSQL grammar)', () => {
  it('separates written tables from read ones, leaves CTEs and sub-query aliases out', () => {
    expect(
      tablesOfSql('SELECT * FROM pitches p JOIN users u ON u.id = p.owner_id LEFT JOIN nda.ndas n ON true'),
    ).toEqual([
      { table: 'nda.ndas', access: 'read' },
      { table: 'pitches', access: 'read' },
      { table: 'users', access: 'read' },
    ]);
    expect(tablesOfSql('WITH x AS (SELECT * FROM a) UPDATE b SET c = 1 FROM x WHERE b.id = x.id')).toEqual([
      { table: 'a', access: 'read' },
      { table: 'b', access: 'write' },
    ]);
    expect(tablesOfSql('INSERT INTO public.a (x) SELECT y FROM b')).toEqual([
      { table: 'a', access: 'write' },
      { table: 'b', access: 'read' },
    ]);
    expect(tablesOfSql('DELETE FROM follows USING users WHERE follows.u = users.id')).toEqual([
      { table: 'follows', access: 'write' },
      { table: 'users', access: 'read' },
    ]);
    expect(tablesOfSql('TRUNCATE a, b; DROP TABLE IF EXISTS c')).toEqual([
      { table: 'a', access: 'write' },
      { table: 'b', access: 'write' },
      { table: 'c', access: 'write' },
    ]);
    expect(tablesOfSql('CREATE TABLE IF NOT EXISTS media_files (id int)')).toEqual([
      { table: 'media_files', access: 'write' },
    ]);
    expect(tablesOfSql('SELECT x FROM (SELECT 1) s')).toEqual([]);
  });

  it('reads ? parameters (D1, SQLite) as $n, outside quotes only', () => {
    expect(toPostgresParameters("SELECT * FROM t WHERE a = ? AND b = ?2 AND c = '?'")).toBe(
      "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = '?'",
    );
    expect(tablesOfSql('SELECT * FROM t WHERE id = ?')).toEqual([{ table: 't', access: 'read' }]);
  });

  it('rejects prose the grammar rejects, and prose it accepts when nothing around it says SQL', () => {
    expect(tablesOfSql('Update user settings error')).toBeNull();
    // PostgreSQL parses this sentence (SELECT a AS file FROM your AS computer): the context decides.
    expect(tablesOfSql('Select a file from your computer')).toEqual([{ table: 'your', access: 'read' }]);
    const prose = [
      "json({ error: 'Select a file from your computer' });",
      "throw new Error('Update user settings error');",
      "log('Select a user before creating a pitch');",
    ].join('\n');
    expect(sqlOfFile('a.ts', prose)).toEqual({ uses: [], statements: 0, unparsed: 3 });
  });

  it('reads string, template and tagged-template literals and query-builder calls', () => {
    const src = [
      'await sql`update users set seen = now() where id = ${id}`;', // 1: tag, lower case
      "await env.DB.prepare('select id from accounts where id = ?').bind(id);", // 2: query call
      'await db.query(`SELECT * FROM ${schema}.pitches WHERE id = $1`);', // 3: template
      "await knex('orders').insert({ a: 1 });", // 4: builder, write through the chain
      "await db.selectFrom('orders').selectAll();", // 5: builder read
      "await q.insert(row).into('audit');", // 6: builder write
      "const label = 'select all from list';", // 7: prose-like text, no SQL context
    ].join('\n');
    expect(sqlOfFile('a.ts', src)).toEqual({
      uses: [
        { table: 'orders', access: 'write', line: 4 },
        { table: 'orders', access: 'read', line: 5 },
        { table: 'audit', access: 'write', line: 6 },
        { table: 'users', access: 'write', line: 1 },
        { table: 'accounts', access: 'read', line: 2 },
        { table: 'pitches', access: 'read', line: 3 },
      ],
      statements: 3,
      unparsed: 1,
    });
  });

  it('reads no table from method names inherited from Object.prototype', () => {
    // `x.toString('users')` once looked up BUILDER_ACCESS.toString: a function, not an access kind.
    const src = "const a = x.toString('users');\nconst b = y.constructor('pitches');\nconst c = z.valueOf('ndas');";
    expect(sqlOfFile('b.ts', src)).toEqual({ uses: [], statements: 0, unparsed: 0 });
  });
});

describe('fixtures/worker-monolith: table ownership', async () => {
  const services = proposeServices(root);
  const shared = proposeShared(root, services);
  const opts = { root, services, shared, allowedDependencies: [], static: { changeCoupling: { enabled: false } } };
  const c = await collectStatic(opts);
  const t = c.section.tables!;

  it('parses 15 statements; the 4 English sentences that start like SQL yield no table', () => {
    expect([t.statements, t.unparsed]).toEqual([15, 4]);
    expect(t.tables.map((r) => r.table)).toEqual(['media', 'ndas', 'notifications', 'pitches', 'users']);
    expect(t.tables.some((r) => ['your', 'user', 'a'].includes(r.table))).toBe(false);
  });

  it('gives the table × service matrix over live code', () => {
    expect(t.tables.map((r) => [r.table, r.writers, r.readers])).toEqual([
      ['media', ['media'], []],
      ['ndas', ['nda'], []],
      ['notifications', ['notification'], []],
      ['pitches', ['nda', 'pitch'], []],
      ['users', ['notification', 'user'], ['pitch']],
    ]);
    // The dead legacy router's statements are listed, not counted.
    expect(t.tables.find((r) => r.table === 'pitches')!.references[0]).toEqual({
      file: 'src/legacy/router-v2.ts',
      line: 9,
      access: 'write',
      owner: '(no service)',
      live: false,
    });
  });

  it('reports each table written by several services with its writing files', () => {
    expect(t.violations).toEqual([
      {
        table: 'pitches',
        writers: ['nda', 'pitch'],
        files: [
          { file: 'src/services/nda-service.ts', line: 13, owner: 'nda' },
          { file: 'src/services/pitch-service.ts', line: 16, owner: 'pitch' },
        ],
      },
      {
        table: 'users',
        writers: ['notification', 'user'],
        files: [
          { file: 'src/handlers/notifications.ts', line: 14, owner: 'notification' },
          { file: 'src/services/user-service.ts', line: 13, owner: 'user' },
        ],
      },
    ]);
    const f = c.findings.filter((x) => x.rule === 'table-written-by-several-services');
    expect(f.map((x) => [x.title, x.severity])).toEqual([
      ['Table pitches is written by 2 services (nda, pitch)', 'critical'],
      ['Table users is written by 2 services (notification, user)', 'critical'],
    ]);
  });

  it('uses folders as the columns when no services are configured, with no violation', async () => {
    const none = await collectStatic({ ...opts, services: {}, shared: [] });
    const nt = none.section.tables!;
    expect(nt.owners).toBe('folders');
    expect(nt.tables.map((r) => [r.table, r.writers, r.readers])).toEqual([
      ['media', ['src/handlers'], []],
      ['ndas', ['src/services'], []],
      ['notifications', ['src/handlers'], []],
      ['pitches', ['src/services'], []],
      ['users', ['src/handlers', 'src/services'], []],
    ]);
    expect(nt.violations).toEqual([]);
  });

  it('caches the SQL facts per file content: a warm run parses only the changed file', async () => {
    const copy = path.join(tmp, 'copy');
    fs.cpSync(root, copy, { recursive: true });
    const cacheDir = path.join(tmp, 'cache');
    const run = () => collectStatic({ ...opts, root: copy, cacheDir });
    const cold = await run();
    const warm = await run();
    expect(cold.section.tables!.cache).toEqual({ hits: 0, misses: 21 });
    expect(warm.section.tables!.cache).toEqual({ hits: 21, misses: 0 });
    expect({ ...warm.section.tables, cache: null }).toEqual({ ...cold.section.tables, cache: null });
    const cacheFile = JSON.parse(fs.readFileSync(path.join(cacheDir, 'static-tables.json'), 'utf8')) as {
      paths: string[];
    };
    expect(cacheFile.paths).toHaveLength(21);
    fs.appendFileSync(path.join(copy, 'src/handlers/media.ts'), "\nconst q = 'DELETE FROM media WHERE id = $1';\n");
    const changed = await run();
    expect(changed.section.tables!.cache).toEqual({ hits: 20, misses: 1 });
    const media = changed.section.tables!.tables.find((r) => r.table === 'media')!;
    expect(media.references.map((r) => r.line)).toEqual([9, 18]);
    // The changed file's record went to the journal: the next run reads it back and parses nothing.
    const again = await run();
    expect(again.section.tables!.cache).toEqual({ hits: 21, misses: 0 });
    expect({ ...again.section.tables, cache: null }).toEqual({ ...changed.section.tables, cache: null });
  });
});
