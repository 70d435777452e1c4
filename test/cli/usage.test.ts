import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, ROOT, runCli } from './run-cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function dirWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('pitchey-fit CLI usage', () => {
  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every command and the exit codes', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of [
      'check',
      'static',
      'load',
      'scale',
      'report',
      'init',
      'baseline',
      'platform',
      'serve',
      'prometheus-rules',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    }
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toMatch(/2\s+usage, config or input error/);
  });

  it.each(['check', 'static', 'load', 'scale', 'report', 'init', 'baseline', 'serve', 'prometheus-rules'])(
    '%s --help works and shows exit codes',
    (cmd) => {
      const r = runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: pitchey-fit ${cmd}`);
      expect(r.stdout).toContain('Exit codes:');
    },
  );

  it('an unknown command is a usage error (exit 2, one line)', () => {
    const r = runCli(['chek']);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(/unknown command 'chek'/);
  });

  it('an unknown option is a usage error (exit 2)', () => {
    const r = runCli(['static', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(/unknown option '--frobnicate'/);
  });

  it('an unknown reporter is a usage error', () => {
    const dir = dirWith({
      'pitchey-fit.config.json': JSON.stringify({ services: { a: 'a/**' } }),
      'a/x.ts': 'export const x = 1;\n',
    });
    const r = runCli(['static', '--reporter', 'console,pdf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toBe(
      "pitchey-fit: unknown reporter 'pdf'; available: console, json, junit, markdown, html, prometheus",
    );
  });

  it.each([
    [
      { 'pitchey-fit.config.json': '{"servics":{}}' },
      "pitchey-fit: config servics: unknown key (did you mean 'services'?)",
    ],
    [
      { 'pitchey-fit.config.json': '{"fitness":{"serviceCoupling":{"target":"small"}}}' },
      'pitchey-fit: config fitness.serviceCoupling.target: invalid target "small"',
    ],
    [
      { 'pitchey-fit.config.json': '{"services":{"a":"nothing/**"}}' },
      'pitchey-fit: config services.a: "nothing/**" matches no file',
    ],
    [{ 'pitchey-fit.config.ts': 'export default {' }, 'pitchey-fit: config: pitchey-fit.config.ts could not be loaded'],
  ])('bad config %# → exit 2 with the key path', (files, message) => {
    const r = runCli(['check'], { cwd: dirWith(files) });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toContain(message);
  });

  it('--config naming a missing file is exit 2', () => {
    const r = runCli(['static', '--config', 'missing.ts'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toBe('pitchey-fit: config: file not found: missing.ts');
  });

  it('report on a missing or malformed result file is exit 2', () => {
    const dir = dirWith({ 'bad.json': '{"schemaVersion":', 'other.json': '{"hello":1}' });
    const missing = runCli(['report', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(expectOneLineError(missing)).toBe('pitchey-fit: cannot read ' + path.join(dir, 'nope.json') + ': ENOENT');
    const bad = runCli(['report', 'bad.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(expectOneLineError(bad)).toContain('is not valid JSON');
    const other = runCli(['report', 'other.json'], { cwd: dir });
    expect(other.code).toBe(2);
    expect(expectOneLineError(other)).toContain('is not a pitchey-fit result of schema 1.0');
  });

  it('--debug shows the stack of a user error', () => {
    const r = runCli(['static', '--config', 'missing.ts', '--debug'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
