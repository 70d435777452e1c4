import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfigFile, loadConfigFile } from '../../src/config/load-config.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';
import { resolveConfig } from '../../src/run/resolve-config.js';
import { ConfigError } from '../../src/core/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-config-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'repo-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('config files', () => {
  it('loads a .ts config with defineConfig imported from pitchey-fit, and a function-valued fitness test', async () => {
    const dir = repo({
      'pitchey-fit.config.ts': `import { defineConfig } from 'pitchey-fit';
const limit: number = 12;
export default defineConfig({
  services: { a: 'src/a/**' },
  fitness: { count: { metric: 'Services', target: '<= ' + limit, needs: ['static'], test: (ctx) => ctx.static!.services.length } },
});`,
      'src/a/index.ts': 'export const a = 1;\n',
    });
    const file = findConfigFile(dir)!;
    expect(path.basename(file)).toBe('pitchey-fit.config.ts');
    const loaded = await loadConfigFile(file, BUILTIN_IDS);
    expect(loaded.config.services).toEqual({ a: 'src/a/**' });
    expect(typeof (loaded.config.fitness!.count as { test: unknown }).test).toBe('function');
  });

  it('loads .mjs and .json configs', async () => {
    const dir = repo({ 'pitchey-fit.config.mjs': `export default { name: 'm', services: { a: 'a/**' } };\n` });
    expect((await loadConfigFile(findConfigFile(dir)!, BUILTIN_IDS)).config.name).toBe('m');
    const dir2 = repo({ 'pitchey-fit.config.json': JSON.stringify({ name: 'j' }) });
    expect((await loadConfigFile(findConfigFile(dir2)!, BUILTIN_IDS)).config.name).toBe('j');
  });

  it('prefers .ts over .json and honours an explicit --config', async () => {
    const dir = repo({ 'pitchey-fit.config.ts': 'export default {};', 'pitchey-fit.config.json': '{}', 'other.json': '{"name":"o"}' });
    expect(path.basename(findConfigFile(dir)!)).toBe('pitchey-fit.config.ts');
    expect(path.basename(findConfigFile(dir, 'other.json')!)).toBe('other.json');
  });

  it.each([
    [{ 'pitchey-fit.config.json': '{ "name": ' }, /^config: pitchey-fit\.config\.json is not valid JSON/],
    [{ 'pitchey-fit.config.ts': 'export default { services: { a: ' }, /^config: pitchey-fit\.config\.ts could not be loaded/],
    [{ 'pitchey-fit.config.mjs': 'throw new Error("boom");' }, /^config: pitchey-fit\.config\.mjs could not be loaded: boom/],
    [{ 'pitchey-fit.config.json': '{ "services": { "a": 1 } }' }, /^config services\.a: must be a glob/],
  ])('bad file %# → one-line ConfigError', async (files, message) => {
    const dir = repo(files);
    const err = await loadConfigFile(findConfigFile(dir)!, BUILTIN_IDS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('an explicit config that does not exist is a ConfigError', () => {
    expect(() => findConfigFile(tmp, 'nope.ts')).toThrow(/^config: file not found: nope\.ts$/);
  });
});

describe('resolveConfig', () => {
  it('makes paths absolute and checks that every glob matches a file', async () => {
    const dir = repo({
      'pitchey-fit.config.json': JSON.stringify({ services: { a: 'src/a/**', b: ['src/b/**'] }, shared: 'src/shared/**', outDir: 'out' }),
      'src/a/x.ts': '', 'src/b/y.ts': '', 'src/shared/z.ts': '',
    });
    const r = await resolveConfig(dir);
    expect(r).toMatchObject({ root: dir, services: { a: ['src/a/**'], b: ['src/b/**'] }, shared: ['src/shared/**'], outDir: path.join(dir, 'out'), isDefault: false });
  });

  it('a service glob that matches nothing names its key path', async () => {
    const dir = repo({ 'pitchey-fit.config.json': JSON.stringify({ services: { a: 'src/a/**', ghost: 'src/ghost/**' } }), 'src/a/x.ts': '' });
    await expect(resolveConfig(dir)).rejects.toThrow(/^config services\.ghost: "src\/ghost\/\*\*" matches no file/);
  });

  it('a root that does not exist is a ConfigError', async () => {
    const dir = repo({ 'pitchey-fit.config.json': JSON.stringify({ root: 'missing' }) });
    await expect(resolveConfig(dir)).rejects.toThrow(/^config root: folder not found: missing/);
  });

  it('without a config file it resolves the bundled platform', async () => {
    const dir = repo({});
    const r = await resolveConfig(dir);
    expect(r.isDefault).toBe(true);
    expect(Object.keys(r.services)).toEqual(['user', 'pitch', 'nda', 'notification', 'media']);
    expect(r.outDir).toBe(path.join(dir, 'pitchey-fit-report'));
  });
});
