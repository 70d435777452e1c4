import { describe, expect, it } from 'vitest';
import { renderConsole } from '../../src/report/index.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';
import { expectGolden } from './golden.js';

// eslint-disable-next-line no-control-regex -- ESC starts every ANSI colour sequence
const ANSI = /\u001b\[[0-9;]*m/g;

describe('renderConsole', () => {
  it('renders the full run in 80 plain columns (golden)', () => {
    const text = renderConsole(fullRun, { color: false });
    expectGolden('console-full-80.txt', text);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(text).not.toMatch(ANSI);
  });

  it('renders a passing static-only run (golden)', () => {
    expectGolden('console-pass-80.txt', renderConsole(passingStaticRun, { color: false }));
  });

  it('shows the verdict table with every function, its target, value, baseline and ADR', () => {
    const text = renderConsole(fullRun, { color: false, width: 140 });
    const row = text.split('\n').find((l) => l.startsWith('FAIL     serviceAutonomy'));
    expect(row).toBeDefined();
    expect(row).toMatch(/services deployable without another service\s+>= 100%\s+75%\s+75%\s+ADR-001$/);
    expect(text).toMatch(
      /^PASS\s+p99Latency\s+p99 of http_req_duration, scenario browse\s+<= 200ms\s+143\.3ms ▲\s+180ms\s+ADR-004$/m,
    );
    // No `current` in the config: the value is missing (n/a), the Baseline cell is empty.
    expect(text).toMatch(/^INCONCL\s+checkoutP99\s+.*< 300ms\s+n\/a$/m);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(140);
  });

  it('colour output differs only by ANSI styling', () => {
    const colored = renderConsole(fullRun, { color: true });
    expect(colored).toMatch(ANSI);
    expect(colored.replace(ANSI, '')).toBe(renderConsole(fullRun, { color: false }));
  });

  it('groups violations as critical / medium / low with ADRs linked by fingerprint', () => {
    const text = renderConsole(fullRun, { color: false });
    const v = text.slice(text.indexOf('Violations found'));
    expect(v.indexOf('Critical (3)')).toBeLessThan(v.indexOf('Medium (3)'));
    expect(v.indexOf('Medium (3)')).toBeLessThan(v.indexOf('Low (1)'));
    expect(v).toContain('- Cross-service import nda -> pitch [cross-service-import, ADR-001]');
    expect(v).toContain('[cross-service-import, ADR-001] (baselined)');
    expect(v).toContain('- Import cycle in pitch [cycle, ADR-003]');
  });

  it('stays within 72 columns', () => {
    const text = renderConsole(fullRun, { color: false, width: 72 });
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(72);
  });
});
