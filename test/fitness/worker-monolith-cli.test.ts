import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { validateResult } from '../../src/report/index.js';
import { runCli } from '../cli/run-cli.js';
import { fixture } from './fixture-config.js';

// The "done when": init then static on a copy of fixtures/worker-monolith, through the built CLI, printing
// the numbers of its ANSWERS.md in the console, the JSON Result and the HTML report.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-worker-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('init -> static on fixtures/worker-monolith (built CLI)', () => {
  const dir = path.join(tmp, 'worker');
  fs.cpSync(fixture('worker-monolith'), dir, { recursive: true });
  const init = runCli(['init'], { cwd: dir });
  const run = runCli(['static', '--no-history', '--reporter', 'console,json,html', '--out-dir', 'out'], { cwd: dir });

  it('init proposes the seven domains and writes a config static accepts', () => {
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('7 services proposed (email, media, nda, notification, pitch, user, websocket)');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(1);
  });

  it('prints the verdicts, the dead share, the hubs and the cycles', () => {
    // The config init writes sets no `current`: the Baseline column is empty.
    expect(run.stdout).toMatch(/^FAIL\s+serviceAutonomy\s+>= 100%\s+85\.71% {12}ADR-001$/m);
    expect(run.stdout).toMatch(/^PASS\s+serviceCoupling\s+< 3\s+0\.1429$/m);
    expect(run.stdout).toContain('Live: 15 of 21 modules (29% unreachable from the entry, not judged)');
    expect(run.stdout).toMatch(/ {2}src\/worker\.ts +68 +8 +5\n/);
    expect(run.stdout).toContain('Cycles, type-only edges too: 2 groups, 7 elementary, 14 circular edges');
    expect(run.stdout).toContain('Cycles, value edges only: 1 group, 2 elementary, 4 circular edges');
  });

  it('writes a valid JSON Result with the complete module view, and the HTML report', () => {
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8')) as Result;
    expect(validateResult(result)).toEqual({ ok: true });
    const st = result.static!;
    expect(st.scope!.deadModules).toHaveLength(6);
    expect(st.modules!.modules).toHaveLength(15);
    expect(st.cycleAnalysis!.all.throughEntry).toHaveLength(5);
    const html = fs.readFileSync(path.join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('<h2 id="modules">Modules</h2>');
    expect(html).toContain('<summary>Dead modules (6)</summary>');
  });
});
