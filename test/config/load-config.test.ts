import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfigFile, loadConfigFile } from '../../src/config/load-config.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';
import { resolveConfig } from '../../src/run/resolve-config.js';
import { ConfigError } from '../../src/core/errors.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
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

  it('prefers .ts over .json and honours an explicit --config', () => {
    const dir = repo({
      'pitchey-fit.config.ts': 'export default {};',
      'pitchey-fit.config.json': '{}',
      'other.json': '{"name":"o"}',
    });
    expect(path.basename(findConfigFile(dir)!)).toBe('pitchey-fit.config.ts');
    expect(path.basename(findConfigFile(dir, 'other.json')!)).toBe('other.json');
  });

  it.each([
    [{ 'pitchey-fit.config.json': '{ "name": ' }, /^config: pitchey-fit\.config\.json is not valid JSON/],
    [
      { 'pitchey-fit.config.ts': 'export default { services: { a: ' },
      /^config: pitchey-fit\.config\.ts could not be loaded/,
    ],
    [
      { 'pitchey-fit.config.mjs': 'throw new Error("boom");' },
      /^config: pitchey-fit\.config\.mjs could not be loaded: boom/,
    ],
    [{ 'pitchey-fit.config.json': '{ "services": { "a": 1 } }' }, /^config services\.a: must be a glob/],
  ])('bad file %# → one-line ConfigError', async (files, message) => {
    const dir = repo(files);
    const err = await loadConfigFile(findConfigFile(dir)!, BUILTIN_IDS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  // Issue 14 items 17 and 18: empty or extensionless files are errors; load errors name the user's file, line and
  // column (never a frame inside Node or the TypeScript loader) in one line.
  it.each([
    ['pitchey-fit.config.ts', '', /^config: pitchey-fit\.config\.ts is empty: end it with export default defineConfig/],
    ['pitchey-fit.config.mjs', '\n\n', /^config: pitchey-fit\.config\.mjs is empty/],
    ['pitchey-fit.config.js', '  ', /^config: pitchey-fit\.config\.js is empty/],
    ['pitchey-fit.config.json', '', /^config: pitchey-fit\.config\.json is empty$/],
    ['pitchey-fit.config.ts', '// nothing yet\n', /^config: pitchey-fit\.config\.ts is empty/],
    // CommonJS would read a file of comments as `{}` (issue 14 item 17)
    ['pitchey-fit.config.js', '/* to do */\n// later\n', /^config: pitchey-fit\.config\.js is empty/],
    ['pitchey-fit.config.mjs', 'export const name = "x";\n', /^config: pitchey-fit\.config\.mjs has no default export/],
    ['my-config', 'export default { name: "x" };\n', /^config: my-config: unsupported config file type; use \.ts, /],
    ['my-config.yaml', 'name: x\n', /^config: my-config\.yaml: unsupported config file type/],
    [
      'pitchey-fit.config.ts',
      'const x = 1;\nexport default { name: "n" };\nlet y: = 3;\n',
      /^config: pitchey-fit\.config\.ts could not be loaded: syntax error: Unexpected token \(at pitchey-fit\.config\.ts:3:8\)$/,
    ],
    [
      'pitchey-fit.config.mjs',
      'export default {\n  name: ,\n};\n',
      /^config: pitchey-fit\.config\.mjs could not be loaded: syntax error: Unexpected token \(at pitchey-fit\.config\.mjs:2:9\)$/,
    ],
    [
      'pitchey-fit.config.ts',
      'const a: number = 1;\nthrow new Error("boom " + a);\n',
      /^config: pitchey-fit\.config\.ts could not be loaded: boom 1 \(at pitchey-fit\.config\.ts:2:7\)$/,
    ],
    [
      'pitchey-fit.config.ts',
      'import x from "./nope.js";\nexport default x;\n',
      /^config: pitchey-fit\.config\.ts could not be loaded: Cannot find module '\.\/nope\.js' \(imported from pitchey-fit\.config\.ts\)$/,
    ],
    [
      'pitchey-fit.config.json',
      '{\n  "name": "a"\n  "root": "."\n}\n',
      /^config: pitchey-fit\.config\.json is not valid JSON: Expected ',' or '}' after property value \(line 3, column 3\)$/,
    ],
    [
      'pitchey-fit.config.json',
      '{"name": tru}',
      /^config: pitchey-fit\.config\.json is not valid JSON: invalid symbol \(line 1, column 10\)$/,
    ],
    [
      'pitchey-fit.config.json',
      '\uFEFF{\n"name": "a",\n}',
      /^config: pitchey-fit\.config\.json is not valid JSON: Expected double-quoted property name \(line 3, column 1\)$/,
    ],
  ])('%s containing %j → %s', async (name, text, message) => {
    const dir = repo({ [name]: text });
    const err = await loadConfigFile(path.join(dir, name), BUILTIN_IDS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/\n|node:internal|node_modules|jiti/);
  });

  it('a key written twice in a JSON config is named with its line, not silently dropped', async () => {
    const dir = repo({
      'a.json': '{\n  "services": { "a": "a/**" },\n  "name": "x",\n  "services": { "b": "b/**" }\n}\n',
      'b.json': '{ "load": { "scenarios": { "s": { "executor": "constant-vus", "executor": "ramping-vus" } } } }',
      'c.json': '{ "shared": [{ "a": 1 }, { "a": 1, "a": 2 }] }',
    });
    const message = async (f: string) =>
      ((await loadConfigFile(path.join(dir, f), BUILTIN_IDS).catch((e: unknown) => e)) as Error).message;
    expect(await message('a.json')).toBe(
      'config: a.json: key services (line 4, column 3) is written twice; JSON keeps only the last one',
    );
    expect(await message('b.json')).toMatch(
      /^config: b\.json: key load\.scenarios\.s\.executor \(line 1, column 63\) is/,
    );
    expect(await message('c.json')).toMatch(/^config: c\.json: key shared\[1\]\.a \(line 1, column 36\) is/);
  });

  it('a JSON config with a byte-order mark loads, and so does a CommonJS one', async () => {
    const dir = repo({ 'a.json': '\uFEFF{ "name": "bom" }\n', 'b.cjs': 'module.exports = { name: "cjs" };\n' });
    expect((await loadConfigFile(path.join(dir, 'a.json'), BUILTIN_IDS)).config.name).toBe('bom');
    expect((await loadConfigFile(path.join(dir, 'b.cjs'), BUILTIN_IDS)).config.name).toBe('cjs');
  });

  it('a config computed at load time (a Promise) is awaited; a Map or a class instance is not a config', async () => {
    const dir = repo({
      'a.mjs': 'export default (async () => ({ name: await Promise.resolve("later") }))();\n',
      'b.mjs': 'export default new Map([["name", "m"]]);\n',
      'c.ts': 'class C { name = "c"; }\nexport default new C();\n',
    });
    expect((await loadConfigFile(path.join(dir, 'a.mjs'), BUILTIN_IDS)).config.name).toBe('later');
    await expect(loadConfigFile(path.join(dir, 'b.mjs'), BUILTIN_IDS)).rejects.toThrow(
      /^config: the config must export an object \(use defineConfig\(\{\.\.\.\}\)\), got a Map object$/,
    );
    await expect(loadConfigFile(path.join(dir, 'c.ts'), BUILTIN_IDS)).rejects.toThrow(/got a C object$/);
  });

  // Issue 14 item 13: a top-level await that never settles ended the process with Node's silent exit 13.
  it('a config that never finishes loading is exit 2 naming it, in a real process (built dist)', () => {
    const dir = repo({
      'pitchey-fit.config.mjs': 'await new Promise(() => {});\nexport default {};\n',
      'main.mjs': [
        `import { loadConfigFile } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/src/config/load-config.js')).href)};`,
        'try { await loadConfigFile(process.argv[2], [], { timeoutMs: 300 }); }',
        'catch (e) { console.error(e.message); process.exitCode = e.exitCode; }',
      ].join('\n'),
    });
    const r = spawnSync(process.execPath, [path.join(dir, 'main.mjs'), path.join(dir, 'pitchey-fit.config.mjs')], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'config: pitchey-fit.config.mjs did not finish loading within 0.3 s (a top-level await that never settles?)',
    );
  });

  it('a config whose default export is a rejected Promise names the error and the line', async () => {
    const dir = repo({ 'c.mjs': 'export default Promise.reject(new Error("no secrets"));\n' });
    await expect(loadConfigFile(path.join(dir, 'c.mjs'), BUILTIN_IDS)).rejects.toThrow(
      /^config: c\.mjs could not be loaded: no secrets \(at c\.mjs:1:31\)$/,
    );
  });

  it('an error thrown in a helper the config imports names the helper', async () => {
    const dir = repo({
      'pitchey-fit.config.ts': 'import { limit } from "./lib/limits.js";\nexport default { name: String(limit) };\n',
      'lib/limits.ts': 'export const limit = 1;\nif (limit) {\n  throw new TypeError("no limits");\n}\n',
    });
    const err = await loadConfigFile(path.join(dir, 'pitchey-fit.config.ts'), BUILTIN_IDS).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `config: pitchey-fit.config.ts could not be loaded: no limits (at ${path.join('lib', 'limits.ts')}:3:9)`,
    );
  });

  it('a .ts config is transpiled once into .pitchey-fit/cache/config; an edit is seen even at the same size and mtime', async () => {
    const dir = repo({
      'pitchey-fit.config.ts': 'import { suffix } from "./lib/name.js";\nexport default { name: "one" + suffix };\n',
      'lib/name.ts': 'export const suffix: string = "-a";\n',
    });
    const file = path.join(dir, 'pitchey-fit.config.ts');
    const name = async () => (await loadConfigFile(file, BUILTIN_IDS)).config.name;
    expect(await name()).toBe('one-a');
    const cacheDir = path.join(dir, '.pitchey-fit', 'cache', 'config');
    const entries = fs.readdirSync(cacheDir);
    expect(entries).toHaveLength(2); // the config and its helper
    // The entry is what runs while the source is unchanged: an edit made in the cache shows through.
    const entry = path.join(
      cacheDir,
      entries.find((e) => e.includes('pitchey-fit.config'))!,
    );
    fs.writeFileSync(entry, fs.readFileSync(entry, 'utf8').replace('"one"', '"own"'));
    expect(await name()).toBe('own-a');
    // Same length, same mtime, other text: transpiled again.
    const stat = fs.statSync(file);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"one"', '"two"'));
    fs.utimesSync(file, stat.atime, stat.mtime);
    expect(await name()).toBe('two-a');
    fs.writeFileSync(path.join(dir, 'lib/name.ts'), 'export const suffix: string = "-b";\n');
    expect(await name()).toBe('two-b');
  });

  it('a config loads when its cache folder cannot be created, and an error keeps its line on a cached run', async () => {
    const dir = repo({
      '.pitchey-fit': 'not a folder\n',
      'pitchey-fit.config.ts': 'const n: string = "ro";\nexport default { name: n };\n',
      'x/c.ts': 'const n: number = 1;\nif (n) {\n  throw new TypeError("bad config");\n}\nexport default {};\n',
    });
    expect((await loadConfigFile(path.join(dir, 'pitchey-fit.config.ts'), BUILTIN_IDS)).config.name).toBe('ro');
    for (let i = 0; i < 2; i++) {
      await expect(loadConfigFile(path.join(dir, 'x/c.ts'), BUILTIN_IDS)).rejects.toThrow(
        /^config: c\.ts could not be loaded: bad config \(at c\.ts:3:9\)$/,
      );
    }
    expect(fs.readdirSync(path.join(dir, 'x', '.pitchey-fit', 'cache', 'config'))).toHaveLength(1);
  });

  it('an explicit config that does not exist is a ConfigError', () => {
    expect(() => findConfigFile(tmp, 'nope.ts')).toThrow(/^config: file not found: nope\.ts$/);
  });
});

describe('resolveConfig', () => {
  it('makes paths absolute and checks that every glob matches a file', async () => {
    const dir = repo({
      'pitchey-fit.config.json': JSON.stringify({
        services: { a: 'src/a/**', b: ['src/b/**'] },
        shared: 'src/shared/**',
        outDir: 'out',
      }),
      'src/a/x.ts': '',
      'src/b/y.ts': '',
      'src/shared/z.ts': '',
    });
    const r = await resolveConfig(dir);
    expect(r).toMatchObject({
      root: dir,
      services: { a: ['src/a/**'], b: ['src/b/**'] },
      shared: ['src/shared/**'],
      outDir: path.join(dir, 'out'),
      isDefault: false,
    });
  });

  it('a service glob that matches nothing names its key path', async () => {
    const dir = repo({
      'pitchey-fit.config.json': JSON.stringify({ services: { a: 'src/a/**', ghost: 'src/ghost/**' } }),
      'src/a/x.ts': '',
    });
    await expect(resolveConfig(dir)).rejects.toThrow(/^config services\.ghost: "src\/ghost\/\*\*" matches no file/);
  });

  // Issue 14 item 21: every command resolves its config this way, so `static` rejects a bad k6 threshold too.
  it('a config for static checks only is still rejected for a threshold that does not parse (exit 2)', async () => {
    const dir = repo({
      'pitchey-fit.config.json': JSON.stringify({
        services: { a: 'src/a/**' },
        checks: ['static'],
        load: { thresholds: { http_req_duration: ['p99<200'] } },
      }),
      'src/a/x.ts': '',
    });
    const err = await resolveConfig(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(
      /^config load\.thresholds\.http_req_duration\[0\]: invalid threshold expression "p99<200": expected/,
    );
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
