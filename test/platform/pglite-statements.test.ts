import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../platform/lib/db.js';
import { PgliteStatements } from '../../platform/lib/pglite-statements.js';

const prepared = (db: Db) =>
  db
    .query<{ name: string; statement: string }>(
      "SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'pf_s%' ORDER BY name",
    )
    .then((rows) => rows.filter((r) => !r.statement.includes('pg_prepared_statements'))); // not this query itself

describe('PGlite statements parsed once per SQL text (issue 13 performance)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ kind: 'pglite', dataDir: null });
    await db.exec('CREATE TABLE t (id uuid PRIMARY KEY, n bigint, doc jsonb, at timestamptz, tags text[])');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('answers like query(): int8 as number, jsonb, timestamptz, arrays and NULL, in and out', async () => {
    const id = '3f1f0e8a-5b4c-4d2e-9a7b-1c2d3e4f5a6b';
    const at = new Date('2026-11-30T12:00:00.000Z');
    const sql = 'INSERT INTO t (id, n, doc, at, tags) VALUES ($1, $2, $3, $4, $5) RETURNING n, doc, at, tags';
    const [row] = await db.query(sql, [id, 9_007_199_254_740_991, { a: [1, 'x'] }, at, ['p', 'q"r']]);
    expect(row).toEqual({ n: 9_007_199_254_740_991, doc: { a: [1, 'x'] }, at, tags: ['p', 'q"r'] });
    const again = await db.query('SELECT id, n, doc FROM t WHERE id = ANY($1::uuid[]) AND doc IS NOT NULL', [[id]]);
    expect(again).toEqual([{ id, n: 9_007_199_254_740_991, doc: { a: [1, 'x'] } }]);
    expect(await db.query('SELECT $1::text IS NULL AS empty', [null])).toEqual([{ empty: true }]);
    // The same SQL text twice is one prepared statement.
    await db.query('SELECT id, n, doc FROM t WHERE id = ANY($1::uuid[]) AND doc IS NOT NULL', [[id]]);
    const names = (await prepared(db)).filter((s) => s.statement.includes('ANY($1::uuid[])'));
    expect(names).toHaveLength(1);
  });

  it('keeps transaction semantics: an error rolls the whole transaction back and keeps its SQLSTATE', async () => {
    const id = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const failing = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id, n) VALUES ($1, $2)', [id, 1]);
      await tx.query('INSERT INTO t (id, n) VALUES ($1, $2)', [id, 2]);
    });
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT n FROM t WHERE id = $1', [id])).toEqual([]);
    await db.transaction((tx) => tx.query('INSERT INTO t (id, n) VALUES ($1, $2)', [id, 3]));
    expect(await db.query('SELECT n FROM t WHERE id = $1', [id])).toEqual([{ n: 3 }]);
  });

  it('sees a schema change: DDL drops the prepared statements, so SELECT * returns the new column', async () => {
    const sql = 'SELECT * FROM t WHERE n = $1';
    expect(Object.keys((await db.query(sql, [3]))[0])).toEqual(['id', 'n', 'doc', 'at', 'tags']);
    await db.transaction((tx) => tx.query('ALTER TABLE t ADD COLUMN extra text'));
    expect(await prepared(db)).toEqual([]);
    expect(Object.keys((await db.query(sql, [3]))[0])).toEqual(['id', 'n', 'doc', 'at', 'tags', 'extra']);
  });

  it('holds at most `max` statements, closing the least recently used', async () => {
    const lite = await PGlite.create();
    const st = new PgliteStatements(lite, 2);
    for (const k of [1, 2, 1, 3]) await st.query(`SELECT $1::int + ${k} AS v`, [k], false);
    const left = await lite.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY name');
    expect(left.rows.map((r) => r.statement)).toEqual(['SELECT $1::int + 1 AS v', 'SELECT $1::int + 3 AS v']);
    expect(await st.query('SELECT $1::int + 2 AS v', [40], false)).toEqual([{ v: 42 }]);
    await lite.close();
  });

  // The statements read their answers from the wire bytes themselves (pglite-rows.ts); PGlite's own reader, through
  // query(), is the reference for rows and errors alike.
  it('reads rows and errors exactly as PGlite’s own reader does, large answers (many chunks) included', async () => {
    const lite = await PGlite.create();
    const st = new PgliteStatements(lite);
    await lite.exec(`CREATE TABLE w (id int PRIMARY KEY, note text NOT NULL CHECK (note <> ''), ok boolean, d date,
      n numeric, f float8, b bytea, v text[], j json)`);
    await lite.exec(`INSERT INTO w SELECT i, repeat('é€', i % 300 + 1), i % 2 = 0, DATE '2026-01-01' + i, i / 7.0,
      i / 3.0, decode(lpad(to_hex(i), 8, '0'), 'hex'), ARRAY['a', NULL, 'x,y'], json_build_object('i', i)
      FROM generate_series(1, 3000) i`);
    const sql = 'SELECT *, id AS "id", NULL::int AS nothing FROM w WHERE id > $1 ORDER BY id';
    const mine = await st.query(sql, [0], false);
    expect(mine).toHaveLength(3000);
    expect(mine).toEqual((await lite.query(sql, [0])).rows);
    // query() also attaches the SQL text and parameters to its errors (query, params, queryOptions); compared without.
    const failure = async (run: () => Promise<unknown>): Promise<Record<string, unknown> | null> =>
      run().then(
        () => null,
        (e: Record<string, unknown>) => {
          const { query: _q, params: _p, queryOptions: _o, ...fields } = e;
          return { ...fields, message: (e as unknown as Error).message, ctor: e.constructor.name };
        },
      );
    for (const [bad, params] of [
      ['INSERT INTO w (id, note) VALUES ($1, $2)', [1, 'dup']],
      ['INSERT INTO w (id, note) VALUES ($1, $2)', [9001, '']],
      ['SELECT 1 / $1::int AS x', [0]],
    ] as const) {
      const reference = await failure(() => lite.query(bad, [...params]));
      expect(reference?.code).toMatch(/^[0-9A-Z]{5}$/);
      expect(await failure(() => st.query(bad, [...params], false))).toEqual(reference);
    }
    await lite.close();
  });
});
