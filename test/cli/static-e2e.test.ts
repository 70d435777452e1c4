import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, ROOT, runCli } from './run-cli.js';
import { validateResult } from '../../src/report/index.js';
import type { Result } from '../../src/core/result.js';

/** The start of an ANSI colour code. */
const ESC = '\u001b[';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-e2e-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A private copy of a fixture, so runs write their reports and history next to it without touching the repo. */
function copyFixture(name: string): string {
  const dest = path.join(tmp, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  fs.cpSync(path.join(ROOT, 'fixtures', name), dest, { recursive: true });
  return dest;
}

describe('check on the monolith fixture (the review\'s "current" column)', () => {
  const dir = copyFixture('pitchey-monolith');
  const run = runCli(['check', '--reporter', 'console,json,junit,markdown,html', '--out-dir', 'out'], { cwd: dir });

  it('fails the gate with exit 1', () => {
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(1);
  });

  it('prints the verdict table with the measured values', () => {
    expect(run.stdout).toMatch(/FAIL\s+serviceAutonomy\b.*>= 100%\s+75%\s+75%/);
    expect(run.stdout).toMatch(/FAIL\s+serviceCoupling\b.*< 3\s+5\s+5/);
    expect(run.stdout).toMatch(/Verdict: FAIL/);
    expect(run.stdout).not.toContain(ESC); // not a TTY: no colour codes
  });

  it('writes every requested report, and result.json validates against the schema', () => {
    for (const f of ['result.json', 'junit.xml', 'summary.md', 'report.html'])
      expect(fs.existsSync(path.join(dir, 'out', f))).toBe(true);
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8')) as Result;
    expect(validateResult(result)).toEqual({ ok: true });
    const autonomy = result.functions.find((f) => f.id === 'serviceAutonomy')!;
    expect(autonomy).toMatchObject({ value: 75, verdict: 'fail', baseline: 75 });
    // Evidence names each violating import with file and line.
    expect(
      autonomy.evidence.some(
        (e) => e.file === 'src/services/worker/handlers/pitch-detail.ts' && typeof e.line === 'number',
      ),
    ).toBe(true);
    expect(result.subject.configFile).toBe(path.join(dir, 'pitchey-fit.config.json'));
    expect(fs.readFileSync(path.join(dir, 'out', 'junit.xml'), 'utf8')).toMatch(
      /<testcase [^>]*name="serviceAutonomy"[^>]*>\s*<failure/,
    );
  });

  it('re-renders the saved result with `report`', () => {
    const r = runCli(['report', 'out/result.json', '--reporter', 'console'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/FAIL\s+serviceAutonomy/);
    const gate = runCli(['report', 'out/result.json', '--gate'], { cwd: dir });
    expect(gate.code).toBe(1);
  });

  it('--json prints the Result, --quiet one line', () => {
    const j = runCli(['static', '--json', '--no-history'], { cwd: dir });
    expect(j.code).toBe(1);
    // autonomy, coupling, the pitch cycle
    expect((JSON.parse(j.stdout) as Result).summary).toMatchObject({ failed: 3 });
    const q = runCli(['static', '--quiet', '--no-history'], { cwd: dir });
    // crossServiceCoChange is inconclusive: the fixture copy is not a git work tree (no history to measure).
    expect(q.stdout.trim()).toMatch(/^FAIL: 1 passed, 3 failed, 1 inconclusive, 0 errored$/);
  });

  it('--fail-on and function overrides change the gate', () => {
    const cfgFile = path.join(dir, 'relaxed.config.json');
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'pitchey-fit.config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(
      cfgFile,
      JSON.stringify({
        ...cfg,
        fitness: { serviceAutonomy: { target: '>= 75' }, serviceCoupling: { target: '<= 5' }, noCycles: false },
      }),
    );
    const r = runCli(['static', '--config', 'relaxed.config.json', '--no-history'], { cwd: dir });
    expect(r.code).toBe(0);
    const bad = runCli(['static', '--fail-on', 'sometimes'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(expectOneLineError(bad)).toContain("--fail-on: unknown level 'sometimes'");
  });
});

describe('baseline (freeze)', () => {
  it("accepts today's violations, fails on a new one, reports and removes stale ones", () => {
    const dir = copyFixture('pitchey-monolith');
    const made = runCli(['baseline', '--file', 'baseline.json'], { cwd: dir });
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/wrote baseline\.json: \d+ violations accepted/);

    const frozen = runCli(['static', '--baseline', 'baseline.json', '--no-history', '--json'], { cwd: dir });
    expect(frozen.code).toBe(0);
    const r = JSON.parse(frozen.stdout) as Result;
    expect(r.functions.find((f) => f.id === 'serviceAutonomy')).toMatchObject({ value: 75, verdict: 'pass' });
    expect(r.baseline).toMatchObject({ new: 0, stale: [] });

    // Shift every line of a violating file: still accepted (fingerprints ignore line numbers).
    const handler = path.join(dir, 'src/services/worker/handlers/profile.ts');
    fs.writeFileSync(handler, '// moved down\n\n' + fs.readFileSync(handler, 'utf8'));
    expect(runCli(['static', '--baseline', 'baseline.json', '--no-history', '--quiet'], { cwd: dir }).code).toBe(0);

    // A new cross-service import fails the gate.
    fs.writeFileSync(
      path.join(dir, 'src/services/worker/handlers/new.ts'),
      "import { findUser } from '../../user/user-repository.js';\nexport const n = findUser;\n",
    );
    expect(runCli(['static', '--baseline', 'baseline.json', '--no-history', '--quiet'], { cwd: dir }).code).toBe(1);
    fs.rmSync(path.join(dir, 'src/services/worker/handlers/new.ts'));

    // Fixing one accepted violation leaves a stale entry; --update-baseline shrinks the file.
    fs.writeFileSync(handler, 'export const profile = 1;\n');
    const stale = JSON.parse(
      runCli(['static', '--baseline', 'baseline.json', '--no-history', '--json'], { cwd: dir }).stdout,
    ) as Result;
    expect(stale.baseline!.stale.length).toBeGreaterThan(0);
    const before = (JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as { entries: unknown[] })
      .entries.length;
    const upd = JSON.parse(
      runCli(['static', '--baseline', 'baseline.json', '--update-baseline', '--no-history', '--json'], { cwd: dir })
        .stdout,
    ) as Result;
    expect(upd.baseline!.removed).toBeGreaterThan(0);
    const after = (JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as { entries: unknown[] })
      .entries.length;
    expect(after).toBeLessThan(before);
  });

  it('a missing baseline file is an input error', () => {
    const dir = copyFixture('pitchey-monolith');
    const r = runCli(['static', '--baseline', 'nope.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toBe(
      'pitchey-fit: baseline nope.json does not exist (create it with: pitchey-fit baseline)',
    );
  });
});

describe('check on the decomposed fixture and on pitchey-fit itself', () => {
  it('the decomposed Pitchey passes (exit 0)', () => {
    const dir = copyFixture('pitchey-decomposed');
    const r = runCli(['check', '--no-history'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS\s+serviceAutonomy\b.*100%/);
  });

  it('our own architecture rules (src layering, platform service boundaries) pass', () => {
    const r = runCli(['static', '--config', 'pitchey-fit.self.config.ts', '--json', '--reporter', 'console'], {
      cwd: ROOT,
    });
    const result = JSON.parse(r.stdout) as Result;
    const failing = result.functions
      .filter((f) => f.verdict !== 'pass')
      .map(
        (f) =>
          `${f.id}: ${f.evidence
            .slice(0, 3)
            .map((e) => e.message)
            .join('; ')}`,
      );
    expect(failing).toEqual([]);
    expect(r.code).toBe(0);
    expect(result.functions.find((f) => f.id === 'serviceAutonomy')!.value).toBe(100);
  });
});

describe('init', () => {
  it('writes a starter config that check then accepts', () => {
    const dir = copyFixture('pitchey-decomposed');
    fs.rmSync(path.join(dir, 'pitchey-fit.config.json'));
    const r = runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote pitchey-fit\.config\.ts: \d+ services proposed/);
    const text = fs.readFileSync(path.join(dir, 'pitchey-fit.config.ts'), 'utf8');
    expect(text).toContain("import { defineConfig } from 'pitchey-fit'");
    const check = runCli(['static', '--no-history', '--quiet'], { cwd: dir });
    expect(check.stderr).toBe('');
    expect([0, 1]).toContain(check.code);
    const again = runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(expectOneLineError(again)).toContain('already exists (use --force to overwrite)');
  });
});

describe('colour', () => {
  it('FORCE_COLOR colours the table; NO_COLOR and --no-color win', () => {
    const dir = copyFixture('pitchey-decomposed');
    expect(runCli(['static', '--no-history'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).toContain(ESC);
    expect(
      runCli(['static', '--no-history'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout,
    ).not.toContain(ESC);
    expect(
      runCli(['static', '--no-history', '--no-color'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout,
    ).not.toContain(ESC);
  });
});

describe('a custom function reading ctx.graph', () => {
  it('sees the graph the worker built, on a first and a cached run of the .ts config', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'graph-'));
    const files: Record<string, string> = {
      'src/a/index.ts': "import { b } from '../b/index.js';\nexport const a = b + 1;\n",
      'src/b/index.ts': "import { c } from './c.js';\nexport const b = c;\n",
      'src/b/c.ts': 'export const c = 1;\n',
      'pitchey-fit.config.ts': `import { defineConfig } from 'pitchey-fit';
export default defineConfig({
  services: { a: 'src/a/**', b: 'src/b/**' },
  fitness: {
    serviceAutonomy: false,
    serviceCoupling: false,
    crossServiceCoChange: false,
    localEdges: {
      metric: 'Local imports', target: '<= 2', needs: ['static'],
      test: (ctx) => ctx.graph!.edges.filter((e) => !e.external && !e.unresolved).length,
    },
  },
});
`,
    };
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    for (let i = 0; i < 2; i++) {
      const r = runCli(['static', '--json', '--no-history'], { cwd: dir });
      expect(r.stderr).toBe('');
      const result = JSON.parse(r.stdout) as Result;
      // a -> b/index, b/index -> b/c
      expect(result.functions.find((f) => f.id === 'localEdges')).toMatchObject({ value: 2, verdict: 'pass' });
    }
    expect(fs.readdirSync(path.join(dir, '.pitchey-fit', 'cache', 'config'))).toHaveLength(1);
  });
});
