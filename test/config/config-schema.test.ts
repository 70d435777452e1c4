import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';

const root = path.resolve(import.meta.dirname, '../..');
const published = JSON.parse(fs.readFileSync(path.join(root, 'schema/config.schema.json'), 'utf8')) as object;
// Formats (uri) are for editors; the loader checks them itself.
const ajvValidate = new Ajv2020({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  validateFormats: false,
}).compile(published);

const fixtureConfigs = fs
  .readdirSync(path.join(root, 'fixtures'))
  .map((d) => path.join(root, 'fixtures', d, 'pitchey-fit.config.json'))
  .filter((f) => fs.existsSync(f));

/** schema/config.schema.json is for editors; it must agree with the validation run on load for JSON configs. */
describe('schema/config.schema.json', () => {
  it('is a strict draft 2020-12 schema that lists every top-level key and built-in fitness function', () => {
    const s = published as { $schema: string; properties: Record<string, { properties?: object }> };
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(s.properties.fitness.properties!)).toEqual([...BUILTIN_IDS]);
    expect(Object.keys(s.properties)).toContain('$schema');
  });

  it.each(fixtureConfigs.map((f) => [path.relative(root, f), f]))('%s passes it and the loader', (_name, file) => {
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    expect(ajvValidate(cfg), JSON.stringify(ajvValidate.errors)).toBe(true);
    expect(() => validateConfig(cfg, BUILTIN_IDS)).not.toThrow();
  });

  it('a JSON config may name the schema with "$schema"', () => {
    const cfg = { $schema: './node_modules/pitchey-fit/schema/config.schema.json', name: 'x' };
    expect(ajvValidate(cfg)).toBe(true);
    expect(validateConfig(cfg, BUILTIN_IDS)).toBe(cfg);
  });

  it.each([
    [{ servces: {} }, 'servces'],
    [{ load: { engine: 'jmeter' } }, '/load/engine'],
    [{ scale: { repeats: 0 } }, '/scale/repeats'],
    [{ fitness: { serviceCoupling: { tagret: '< 3' } } }, 'tagret'],
    [{ fitness: { mine: { metric: 'm', target: '< 1' } } }, "'test'"],
    [{ services: { a: [] } }, '/services/a'],
    [{ load: { scenarios: { a: { executor: 'constant-vus' } } } }, "'requests'"],
  ])('rejects %j, as the loader does', (cfg, where) => {
    expect(ajvValidate(cfg)).toBe(false);
    expect(JSON.stringify(ajvValidate.errors)).toContain(where);
    expect(() => validateConfig(cfg, BUILTIN_IDS)).toThrow(/^config /);
  });
});
