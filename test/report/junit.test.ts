import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { renderJunit } from '../../src/report/index.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';
import { expectGolden, TEST_OUTPUT_DIR } from './golden.js';

const XSD = path.join(import.meta.dirname, 'junit-10.xsd');

/** Validates with libxml2's xmllint against the JUnit schema CI systems read (scripts/test-services.sh installs it). */
function xmllint(xml: string, name: string): { ok: boolean; output: string } {
  mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  const file = path.join(TEST_OUTPUT_DIR, name);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, output: r.stderr };
}

/** Attribute values of every `<tag …>` in document order, via xmllint's XPath (an independent XML parser). */
function xpath(xml: string, expr: string): string {
  const file = path.join(TEST_OUTPUT_DIR, 'xpath-input.xml');
  writeFileSync(file, xml);
  return execFileSync('xmllint', ['--xpath', expr, file], { encoding: 'utf8' }).replace(/\n$/, '');
}

describe('renderJunit', () => {
  it('matches the golden file', () => {
    expectGolden('junit-full.xml', renderJunit(fullRun));
  });

  it('is valid against the JUnit XSD (and the XSD does reject broken documents)', () => {
    for (const [r, name] of [
      [fullRun, 'junit-full.xml'],
      [passingStaticRun, 'junit-pass.xml'],
    ] as const) {
      const v = xmllint(renderJunit(r), name);
      expect(v.ok, v.output).toBe(true);
    }
    const broken = renderJunit(fullRun).replace('<testcase name="noCycles" ', '<testcase ');
    expect(xmllint(broken, 'junit-broken.xml').ok).toBe(false);
  });

  it('has one testcase per fitness function and counts that match the verdicts', () => {
    const xml = renderJunit(fullRun);
    expect(xpath(xml, 'count(//testcase)')).toBe('7');
    expect(xpath(xml, 'string(/testsuites/@tests)')).toBe('7');
    expect(xpath(xml, 'string(/testsuites/@failures)')).toBe('2');
    expect(xpath(xml, 'string(//testsuite[@name="pitchey-fit load"]/@skipped)')).toBe('1');
    expect(xpath(xml, 'string(//testcase[@name="serviceAutonomy"]/failure/@type)')).toBe('fitness.critical');
    expect(xpath(xml, 'string(//testcase[@name="serviceAutonomy"]/failure/@message)')).toBe(
      'services deployable without another service: 75% against target >= 100% (ADR-001)',
    );
    const body = xpath(xml, 'string(//testcase[@name="serviceAutonomy"]/failure)');
    expect(body).toContain(
      'platform/services/nda/src/nda-service.ts:4:1: nda imports pitch: ../../pitch/src/pitch-repository.js',
    );
    expect(xpath(xml, 'string(//testcase[@name="checkoutP99"]/skipped/@message)')).toBe(
      'inconclusive: load generator saturated: 412 iterations dropped',
    );
    expect(xpath(xml, 'count(//testcase[@name="p99Latency"]/*)')).toBe('0');
  });

  it('reports errored functions as <error> and survives hostile text', () => {
    const r: Result = structuredClone(fullRun);
    r.functions[1] = {
      ...r.functions[1],
      verdict: 'error',
      value: null,
      reason: 'test() threw: <boom> & "quotes" \u0007 bell',
    };
    r.subject.name = 'a&b <c>';
    const xml = renderJunit(r);
    const v = xmllint(xml, 'junit-error.xml');
    expect(v.ok, v.output).toBe(true);
    expect(xpath(xml, 'string(//testcase[@name="serviceCoupling"]/error/@message)')).toBe(
      'test() threw: <boom> & "quotes"  bell',
    );
    expect(xpath(xml, 'string(/testsuites/@errors)')).toBe('1');
    expect(xpath(xml, 'string(/testsuites/@name)')).toBe('pitchey-fit a&b <c>');
  });
});
