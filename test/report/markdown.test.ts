import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { renderGithubAnnotations, renderMarkdown } from '../../src/report/index.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';
import { expectGolden } from './golden.js';

describe('renderMarkdown', () => {
  it('matches the golden files', () => {
    expectGolden('summary-full.md', renderMarkdown(fullRun));
    expectGolden('summary-pass.md', renderMarkdown(passingStaticRun));
  });

  it('has a well-formed verdict table: every row has as many cells as the header', () => {
    const lines = renderMarkdown(fullRun).split('\n');
    const start = lines.findIndex((l) => l.startsWith('| Status |'));
    const cells = (l: string): number => l.replace(/\\\|/g, '').split('|').length - 2;
    const rows = [];
    for (let i = start; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i]);
    expect(rows.length).toBe(2 + fullRun.functions.length);
    for (const r of rows) expect(cells(r)).toBe(9);
  });

  it('escapes table-breaking characters in user text', () => {
    const r: Result = structuredClone(passingStaticRun);
    r.functions[0].metric = 'a | b <script>';
    const text = renderMarkdown(r);
    expect(text).toContain('a \\| b &lt;script&gt;');
    expect(text).not.toContain('<script>');
  });
});

describe('renderGithubAnnotations', () => {
  it('emits one annotation per non-baselined finding location, levelled by severity', () => {
    const lines = renderGithubAnnotations(fullRun);
    expect(lines).toEqual([
      '::error file=platform/services/pitch/src/pitch-repository.ts,line=22,title=Shared table pitches ' +
        '(shared-table)::table "pitches" is read or written by pitch and nda',
      '::error file=platform/services/nda/src/nda-repository.ts,line=31,title=Shared table pitches ' +
        '(shared-table)::table "pitches" is read or written by pitch and nda',
      '::error file=platform/services/nda/src/nda-service.ts,line=4,col=1,title=Cross-service import nda -> pitch ' +
        '(cross-service-import)::nda imports pitch-repository of the pitch service',
      '::warning file=platform/services/pitch/src/pitch-service.ts,line=9,title=Import cycle in pitch ' +
        '(cycle)::pitch-service.ts -> pitch-events.ts -> pitch-projection.ts -> pitch-service.ts',
      '::warning file=platform/services/investment/src/payment-client.ts,line=18,col=10,title=Call without a circuit ' +
        'breaker (no-circuit-breaker)::fetch() to the payment provider is not wrapped in a circuit breaker',
      '::warning file=platform/services/investment/src/server.ts,line=12,title=Service without rate limits ' +
        '(no-rate-limit)::the HTTP entry of investment registers no rate-limiting middleware',
      '::notice file=platform/services/nda/src/nda-service.ts,title=Mixed responsibilities in nda-service.ts ' +
        '(mixed-responsibilities)::nda-service.ts both serves HTTP and writes SQL',
    ]);
  });

  it('escapes workflow-command syntax and annotates failing evidence not covered by a finding', () => {
    const r: Result = structuredClone(fullRun);
    r.findings = [];
    r.functions[0].evidence[0].message = '100% wrong,\nsecond line';
    r.functions[0].evidence[0].file = 'a,b:c.ts';
    const lines = renderGithubAnnotations(r);
    expect(lines[0]).toBe(
      '::error file=a%2Cb%3Ac.ts,line=4,col=1,title=serviceAutonomy (ADR-001)%3A services deployable without another ' +
        'service::100%25 wrong,%0Asecond line',
    );
    // 1 autonomy import (the other is baselined) + 1 cycle; passing functions are not annotated
    expect(lines).toHaveLength(2);
  });
});

describe('renderGithubAnnotations limits', () => {
  it('keeps max - 1 annotations and sums up the rest in one notice', () => {
    const lines = renderGithubAnnotations(fullRun, 4);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(
      '::notice title=pitchey-fit::4 more violations are not annotated; see the job summary or report.html',
    ); // 7 - 3
    expect(renderGithubAnnotations(fullRun)).toHaveLength(7); // the 7 listed in the test above
  });
});
