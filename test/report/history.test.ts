import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Result } from '../../src/core/result.js';
import { compareResults, HISTORY_SCHEMA_VERSION, openHistory } from '../../src/history/index.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(
  runId: string,
  startedAt: string,
  verdict: Result['verdict'],
  values: Record<string, number | boolean | null>,
  subject = 'pitchey',
): Result {
  const r: Result = structuredClone(fullRun);
  r.runId = runId;
  r.startedAt = startedAt;
  r.verdict = verdict;
  r.subject = { ...r.subject, name: subject };
  r.functions = r.functions
    .filter((f) => f.id in values)
    .map((f) => ({ ...f, value: values[f.id], verdict: values[f.id] === null ? 'inconclusive' : f.verdict }));
  delete r.comparison;
  delete r.trends;
  return r;
}

describe('openHistory', () => {
  it('appends runs and answers last / last passing / trends, across reopening', () => {
    const file = path.join(dir, 'a', 'history.sqlite');
    const h = openHistory(file);
    h.append(
      run('r1', '2026-11-21T09:00:00.000Z', 'fail', {
        serviceAutonomy: 50,
        p99Latency: 212.4,
        rateLimitedEntrypoints: false,
      }),
    );
    h.append(
      run('r2', '2026-11-22T09:00:00.000Z', 'pass', {
        serviceAutonomy: 100,
        p99Latency: 176.2,
        rateLimitedEntrypoints: true,
      }),
    );
    h.append(
      run('r3', '2026-11-23T09:00:00.000Z', 'fail', {
        serviceAutonomy: 75,
        p99Latency: null,
        rateLimitedEntrypoints: true,
      }),
    );
    h.append(run('other', '2026-11-24T09:00:00.000Z', 'pass', { serviceAutonomy: 100 }, 'another-system'));
    h.append(run('r2', '2026-11-22T09:00:00.000Z', 'pass', { serviceAutonomy: 1 })); // same runId: ignored
    h.close();

    const h2 = openHistory(file);
    try {
      expect(h2.count()).toBe(4);
      expect(h2.count('pitchey')).toBe(3);
      expect(h2.last()?.runId).toBe('other');
      expect(h2.last({ subject: 'pitchey' })?.runId).toBe('r3');
      expect(h2.last({ subject: 'pitchey', passing: true })?.runId).toBe('r2');
      expect(h2.last({ subject: 'nobody' })).toBeUndefined();
      const back = h2.last({ subject: 'pitchey' })!;
      expect(back.functions.find((f) => f.id === 'serviceAutonomy')?.value).toBe(75);
      expect(back.load?.scenarios[0].percentileCurve).toEqual(fullRun.load!.scenarios[0].percentileCurve);

      expect(h2.trends('pitchey')).toEqual({
        serviceAutonomy: [
          { runId: 'r1', startedAt: '2026-11-21T09:00:00.000Z', value: 50, verdict: 'fail' },
          { runId: 'r2', startedAt: '2026-11-22T09:00:00.000Z', value: 100, verdict: 'fail' },
          { runId: 'r3', startedAt: '2026-11-23T09:00:00.000Z', value: 75, verdict: 'fail' },
        ],
        p99Latency: [
          { runId: 'r1', startedAt: '2026-11-21T09:00:00.000Z', value: 212.4, verdict: 'pass' },
          { runId: 'r2', startedAt: '2026-11-22T09:00:00.000Z', value: 176.2, verdict: 'pass' },
          { runId: 'r3', startedAt: '2026-11-23T09:00:00.000Z', value: null, verdict: 'inconclusive' },
        ],
        rateLimitedEntrypoints: [
          { runId: 'r1', startedAt: '2026-11-21T09:00:00.000Z', value: false, verdict: 'pass' },
          { runId: 'r2', startedAt: '2026-11-22T09:00:00.000Z', value: true, verdict: 'pass' },
          { runId: 'r3', startedAt: '2026-11-23T09:00:00.000Z', value: true, verdict: 'pass' },
        ],
      });
      expect(h2.trends('pitchey', 2).serviceAutonomy.map((p) => p.runId)).toEqual(['r2', 'r3']);
    } finally {
      h2.close();
    }
    // Independent check with the sqlite3 CLI: schema version and rows.
    expect(execFileSync('sqlite3', [file, 'PRAGMA user_version;'], { encoding: 'utf8' }).trim()).toBe(
      String(HISTORY_SCHEMA_VERSION),
    );
    expect(
      execFileSync(
        'sqlite3',
        [file, "SELECT run_id || ':' || verdict FROM runs WHERE subject = 'pitchey' ORDER BY started_at;"],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n'),
    ).toEqual(['r1:fail', 'r2:pass', 'r3:fail']);
  });

  it('stores each Result as gzip; a history of schema 1 is migrated and its JSON rows stay readable', () => {
    const file = path.join(dir, 'v1.sqlite');
    // a schema-1 history as the previous version wrote it, one run, built with the sqlite3 CLI
    const old = run('old', '2026-11-20T09:00:00.000Z', 'pass', { serviceAutonomy: 100 });
    const oldJson = JSON.stringify(old).replaceAll("'", "''");
    execFileSync('sqlite3', [
      file,
      `CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL,
         command TEXT NOT NULL, started_at TEXT NOT NULL, verdict TEXT NOT NULL, result_schema TEXT NOT NULL,
         result_json TEXT NOT NULL);
       CREATE TABLE function_values (run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
         function_id TEXT NOT NULL, value REAL, value_kind TEXT NOT NULL, verdict TEXT NOT NULL,
         PRIMARY KEY (run, function_id));
       INSERT INTO runs (run_id, subject, command, started_at, verdict, result_schema, result_json)
         VALUES ('old', 'pitchey', 'check', '2026-11-20T09:00:00.000Z', 'pass', '1', '${oldJson}');
       PRAGMA user_version = 1;`,
    ]);
    const h = openHistory(file);
    try {
      expect(h.last()).toEqual(old);
      const fresh = run('new', '2026-11-21T09:00:00.000Z', 'fail', { serviceAutonomy: 50 });
      h.append(fresh);
      expect(h.last()).toEqual(fresh);
      expect(h.last({ passing: true })).toEqual(old);
    } finally {
      h.close();
    }
    const sql = (q: string) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' }).trim();
    expect(sql('PRAGMA user_version;')).toBe('2');
    const [jsonLength, gzipLength] = sql(
      "SELECT length(result_json) || ' ' || length(result_gzip) FROM runs WHERE run_id = 'new';",
    )
      .split(' ')
      .map(Number);
    expect(jsonLength).toBe(0);
    // gzip's magic bytes, and smaller than the JSON it holds (this small Result: about half)
    expect(sql("SELECT hex(substr(result_gzip, 1, 2)) FROM runs WHERE run_id = 'new';")).toBe('1F8B');
    expect(gzipLength).toBeLessThan(JSON.stringify(run('new', '', 'fail', { serviceAutonomy: 50 })).length * 0.6);
  });

  it("two handles on one file both see each other's runs", () => {
    const file = path.join(dir, 'shared.sqlite');
    const a = openHistory(file);
    const b = openHistory(file);
    a.append(run('a1', '2026-11-21T09:00:00.000Z', 'pass', { serviceAutonomy: 100 }));
    b.append(run('b1', '2026-11-22T09:00:00.000Z', 'fail', { serviceAutonomy: 75 }));
    expect(a.last()?.runId).toBe('b1');
    expect(b.count()).toBe(2);
    a.close();
    b.close();
  });

  it('refuses files that are not its history with a one-line InputError', () => {
    const text = path.join(dir, 'notes.txt');
    writeFileSync(
      text,
      'this is not a database, just some text that is long enough to look like a header\n'.repeat(20),
    );
    expect(() => openHistory(text)).toThrow(InputError);
    expect(() => openHistory(text)).toThrow(/^history .*notes\.txt: /);

    const foreign = path.join(dir, 'foreign.sqlite');
    execFileSync('sqlite3', [foreign, 'CREATE TABLE people (name TEXT);']);
    expect(() => openHistory(foreign)).toThrow('an SQLite database but not a pitchey-fit history (tables: people)');

    const newer = path.join(dir, 'newer.sqlite');
    execFileSync('sqlite3', [newer, 'PRAGMA user_version = 99;']);
    expect(() => openHistory(newer)).toThrow(
      `written by a newer pitchey-fit (history schema 99, this version reads up to ${HISTORY_SCHEMA_VERSION})`,
    );
  });
});

describe('compareResults', () => {
  it("marks regressions by each target's direction (reproduces the fixture's hand-written comparison)", () => {
    const previous = run('2026-11-24T16-02-51Z-c210', '2026-11-24T16:02:51.530Z', 'fail', {
      serviceAutonomy: 75,
      serviceCoupling: 0.75,
      noCycles: 0,
      p99Latency: 131.9,
      checkoutP99: 288.1,
      scalingEfficiency: 0.79,
      rateLimitedEntrypoints: true,
    });
    const cmp = compareResults(fullRun, previous, 'last');
    expect(cmp).toEqual(fullRun.comparison);
  });

  it('handles booleans, equality targets, missing functions and values', () => {
    const prev = run('p', '2026-11-24T00:00:00.000Z', 'pass', { rateLimitedEntrypoints: true, noCycles: 0 });
    const cur = run('c', '2026-11-25T00:00:00.000Z', 'fail', {
      rateLimitedEntrypoints: false,
      noCycles: 0,
      serviceCoupling: 9,
    });
    const byId = Object.fromEntries(compareResults(cur, prev, 'last-pass').functions.map((f) => [f.id, f]));
    expect(byId.rateLimitedEntrypoints).toEqual({
      id: 'rateLimitedEntrypoints',
      previous: true,
      current: false,
      delta: null,
      regressed: true,
    });
    expect(byId.noCycles).toEqual({ id: 'noCycles', previous: 0, current: 0, delta: 0, regressed: false });
    expect(byId.serviceCoupling).toEqual({
      id: 'serviceCoupling',
      previous: null,
      current: 9,
      delta: null,
      regressed: false,
    });
    expect(compareResults(passingStaticRun, prev, 'last-pass').against).toBe('last-pass');
  });
});
