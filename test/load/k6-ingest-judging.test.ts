import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { judgeFunction } from '../../src/core/judge.js';
import { loadFitnessFunctions } from '../../src/load/builtin-functions.js';
import { ingestK6 } from '../../src/load/k6/ingest.js';

const fx = (f: string) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'k6', f);

/** The built-in p99 verdict (target < 200 ms) on k6 files; expected values in fixtures/k6/ANSWERS.md. */
async function p99Verdict(...files: string[]) {
  const load = await ingestK6(files.map(fx));
  return judgeFunction('p99Latency', loadFitnessFunctions.p99Latency, { load } as never);
}

describe('p99 from k6 summaries without p(99): decided by the bounds in the file, else inconclusive', () => {
  it('a file with p(99) judges on it', async () => {
    expect(await p99Verdict('summary-p99-good.json')).toMatchObject({ verdict: 'pass', value: 80.4 });
  });

  it('p(95) above the target means p99 is too: fail, alone and next to a passing file', async () => {
    const alone = await p99Verdict('summary-no-p99-slow.json');
    expect(alone).toMatchObject({ verdict: 'fail', value: 4100.4 });
    expect(alone.reason).toContain('no p(99) in summary-no-p99-slow (between p(95) 4100.4 ms and max 5210.8 ms)');
    expect(await p99Verdict('summary-p99-good.json', 'summary-no-p99-slow.json')).toMatchObject({
      verdict: 'fail',
      value: 4100.4,
    });
  });

  it('max below the target means p99 is too: pass, with the upper bound as the value', async () => {
    const v = await p99Verdict('summary-no-p99-fast.json');
    expect(v).toMatchObject({ verdict: 'pass', value: 150.3 });
    expect(v.reason).toContain('even its upper bound 150.3 meets the target');
  });

  it('bounds that straddle the target: inconclusive, and an inconclusive file never turns a run into a pass', async () => {
    const alone = await p99Verdict('summary-export.json');
    expect(alone.verdict).toBe('inconclusive');
    expect(alone.reason).toBe('no p(99) in summary-export (between p(95) 190.8 ms and max 480.7 ms)');
    expect((await p99Verdict('summary-p99-good.json', 'summary-export.json')).verdict).toBe('inconclusive');
  });

  it('summary percentiles are labelled as k6 computed them, and the missing p(99) is stated', async () => {
    const s = (await ingestK6([fx('summary-export.json')])).scenarios[0];
    expect(s.percentileMethod).toBe('k6-summary');
    expect(s.notes!.join('\n')).toContain('percentiles as k6 computed them');
    expect(s.notes!.join('\n')).toContain(
      'no p(99) of http_req_duration in this file (add "p(99)" to k6\'s summaryTrendStats): it lies between p(95) = 190.8 ms and max = 480.7 ms',
    );
    expect((await ingestK6([fx('runner1.ndjson')])).scenarios[0].percentileMethod).toBe('exact-r7');
  });
});

describe('duplicate k6 inputs are refused', () => {
  it('the same content under another name', async () => {
    const err = await ingestK6([fx('summary-export.json'), fx('summary-export-copy.json')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      `${fx('summary-export-copy.json')} has the same content as ${fx('summary-export.json')}: the same k6 output would be counted twice`,
    );
  });

  it('the same file twice', async () => {
    await expect(ingestK6([fx('runner1.ndjson'), fx('runner1.ndjson')])).rejects.toThrow(
      `${fx('runner1.ndjson')} is given twice: each k6 output counts once`,
    );
  });
});

describe('NDJSON runs that do not overlap in time', () => {
  it('are refused as parallel runners (exit 2), naming both spans and the gap', async () => {
    const err = await ingestK6([fx('sequential-run-a.ndjson'), fx('sequential-run-b.ndjson')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      'sequential-run-a.ndjson (2024-01-01T00:00:00Z – 2024-01-01T00:00:03Z) ended 94 min before ' +
        'sequential-run-b.ndjson (2024-01-01T01:34:01Z – 2024-01-01T01:34:04Z) began: NDJSON files merge as parallel ' +
        'runners of one test, and these did not run at the same time; pass --sequential-runs to report each run with its own rates',
    );
  });

  it('with sequentialRuns, each run is its own summary with its own rate', async () => {
    const load = await ingestK6([fx('sequential-run-a.ndjson'), fx('sequential-run-b.ndjson')], {
      sequentialRuns: true,
    });
    expect(load.scenarios.map((s) => s.name)).toEqual(['browse (sequential-run-a)', 'browse (sequential-run-b)']);
    const [a, b] = load.scenarios;
    expect(a.durationMs).toBe(3000);
    expect(b.durationMs).toBe(3000);
    expect(a.metrics.http_reqs.values.rate).toBeCloseTo(4 / 3, 9);
    expect(b.metrics.http_reqs.values.rate).toBeCloseTo(4 / 3, 9);
    expect(a.metrics.http_req_duration.values['p(99)']).toBeCloseTo(39.7, 9);
    expect(b.metrics.http_req_duration.values['p(99)']).toBeCloseTo(971.05, 9);
    expect(a.notes![0]).toContain(
      'sequential-run-a.ndjson: one run of several run one after another (--sequential-runs)',
    );
  });

  it('parallel runners (overlapping spans) still merge into one summary', async () => {
    const load = await ingestK6([fx('runner1.ndjson'), fx('runner2.ndjson')]);
    expect(load.scenarios).toHaveLength(1);
    expect(load.scenarios[0].metrics.http_reqs.values.rate).toBe(2);
  });
});

describe('load --from-k6 on the command line', () => {
  it('non-overlapping NDJSON runs: exit 2 with one line; with --sequential-runs, one summary per run', async () => {
    const { runCliAsync, expectOneLineError } = await import('../cli/run-cli.js');
    const files = [fx('sequential-run-a.ndjson'), fx('sequential-run-b.ndjson')];
    const refused = await runCliAsync(['load', '--from-k6', ...files, '-o', '/tmp/pitchey-fit-k6-cli']);
    expect(refused.code).toBe(2);
    expect(expectOneLineError(refused)).toContain('pass --sequential-runs to report each run with its own rates');
    const perRun = await runCliAsync([
      'load',
      '--from-k6',
      ...files,
      '--sequential-runs',
      '-o',
      '/tmp/pitchey-fit-k6-cli',
    ]);
    expect(perRun.code).toBe(1); // both runs fail their declared thresholds (fixtures/k6/ANSWERS.md)
    expect(perRun.stdout.match(/http_reqs\.+: 4 1\.33\/s/g)).toHaveLength(2);
  });
});
