import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  renderConsole,
  renderGithubAnnotations,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderPrometheus,
  validateResult,
} from '../../src/report/index.js';
import { MARKDOWN_LIMIT } from '../../src/report/markdown.js';
import { emptyRun, erroredRun } from '../fixtures-results/edge-runs.js';
import { fullRun } from '../fixtures-results/full-run.js';

describe.each([
  ['empty', emptyRun],
  ['errored', erroredRun],
] as const)('reporters on the %s run', (_name, result) => {
  it('the JSON validates', () => {
    expect(validateResult(JSON.parse(renderJson(result)))).toEqual({ ok: true });
  });

  it('console fits 80 columns and never prints NaN/undefined', () => {
    const text = renderConsole(result, { color: false });
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(text).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('markdown, junit, html and annotations render without NaN/undefined', () => {
    for (const text of [
      renderMarkdown(result),
      renderJunit(result),
      renderHtml(result),
      renderGithubAnnotations(result).join('\n'),
    ]) {
      expect(text).not.toMatch(/NaN|undefined|Infinity/);
    }
  });

  it('prometheus output passes promtool', async () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: await renderPrometheus(result), encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('specific edge behaviour', () => {
  it('an empty run says nothing was enabled', () => {
    expect(renderConsole(emptyRun, { color: false })).toContain('No fitness functions were enabled.');
    expect(renderMarkdown(emptyRun)).toContain('No fitness functions were enabled.');
    expect(renderJunit(emptyRun)).toContain('<testsuites name="pitchey-fit pitchey" tests="0" failures="0" errors="0"');
  });

  it('an errored partial run shows the error, the partial flag and the problems', () => {
    const text = renderConsole(erroredRun, { color: false });
    expect(text).toContain('PARTIAL RUN');
    expect(text).toContain('ERROR p99Latency: target http://127.0.0.1:9 unreachable: ECONNREFUSED');
    expect(text).toContain('collect.load: target http://127.0.0.1:9 unreachable: ECONNREFUSED');
    expect(text).toContain('No USL fit.');
    expect(renderJunit(erroredRun)).toContain(
      '<error message="target http://127.0.0.1:9 unreachable: ECONNREFUSED" type="fitness.error">',
    );
  });
});

describe('large results', () => {
  const big = structuredClone(fullRun);
  big.findings = Array.from(
    { length: 3000 },
    (_, i) =>
      ({
        rule: 'cross-service-import',
        severity: i % 2 ? 'critical' : 'medium',
        title: `Cross-service import number ${i}`,
        message: `module ${i} imports another service's internals; this message is long on purpose to fill the comment`,
        locations: [{ file: `platform/services/s${i}/src/file-${i}.ts`, line: i + 1 }],
        fingerprint: `fp-${i}`,
      }) as const,
  );
  big.functions[0].evidence = Array.from({ length: 200 }, (_, i) => ({
    message: `evidence ${i}`,
    file: `f${i}.ts`,
    line: i + 1,
  }));
  big.functions[0].evidenceTotal = 1500;

  it("markdown stays under GitHub's comment limit and says what it left out", () => {
    const text = renderMarkdown(big);
    expect(text.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(text).toMatch(/… and \d+ more critical findings/);
    expect(text).toContain('… 1470 more'); // 30 of 1500 evidence items: the first level (30 per list) fits
    expect(text).toContain('… and 1470 more critical findings');
  });

  it('console lists 10 findings per severity and counts the rest', () => {
    const text = renderConsole(big, { color: false });
    expect(text).toContain('… and 1490 more critical findings (all are in result.json and report.html)');
    expect(text).toContain('… and 1495 more'); // 5 of 1500 evidence items of serviceAutonomy
  });

  it('markdown cuts lists harder when the first levels do not fit', () => {
    const many = structuredClone(fullRun);
    const long = 'x'.repeat(150);
    many.functions = Array.from({ length: 40 }, (_, i) => ({
      ...fullRun.functions[0],
      id: `fn${i}`,
      evidence: Array.from({ length: 200 }, (_, j) => ({ message: `${long} ${j}`, file: `f${j}.ts`, line: j + 1 })),
      evidenceTotal: 200,
    }));
    const text = renderMarkdown(many);
    expect(text.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    // 40 functions x 10 items x ~170 characters is over the limit; 3 items per list is not.
    expect(text.match(/ {2}- … 197 more/g)).toHaveLength(40);
  });
});
