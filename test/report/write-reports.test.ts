import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../src/output/index.js';
import {
  renderConsole,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderPrometheus,
  validateResult,
} from '../../src/report/index.js';
import { fullRun } from '../fixtures-results/full-run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeReports', () => {
  it('writes every file reporter into the out dir in one call and console to stdout', async () => {
    const outDir = path.join(dir, 'nested', 'out');
    const printed: string[] = [];
    const { written, failed } = await writeReports(fullRun, {
      reporters: ['console', 'json', 'junit', 'markdown', 'html', 'prometheus', 'json'],
      outDir,
      color: false,
      stdout: (text) => printed.push(text),
    });
    expect(printed).toEqual([renderConsole(fullRun, { color: false })]);
    expect(failed).toEqual([]);
    expect(written).toEqual([
      { reporter: 'console', file: null },
      { reporter: 'json', file: path.join(outDir, 'result.json') },
      { reporter: 'junit', file: path.join(outDir, 'junit.xml') },
      { reporter: 'markdown', file: path.join(outDir, 'summary.md') },
      { reporter: 'html', file: path.join(outDir, 'report.html') },
      { reporter: 'prometheus', file: path.join(outDir, 'metrics.prom') },
    ]);
    expect(readdirSync(outDir).sort()).toEqual([
      'junit.xml',
      'metrics.prom',
      'report.html',
      'result.json',
      'summary.md',
    ]);
    const read = (f: string) => readFileSync(path.join(outDir, f), 'utf8');
    expect(read('result.json')).toBe(renderJson(fullRun));
    expect(validateResult(JSON.parse(read('result.json')))).toEqual({ ok: true });
    expect(read('junit.xml')).toBe(renderJunit(fullRun));
    expect(read('summary.md')).toBe(renderMarkdown(fullRun));
    expect(read('report.html')).toBe(renderHtml(fullRun));
    expect(read('metrics.prom')).toBe(await renderPrometheus(fullRun));
  });
});
