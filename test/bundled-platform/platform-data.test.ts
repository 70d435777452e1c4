import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, UsageError } from '../../src/core/errors.js';
import { platformDataAsRows, platformScenariosForExport } from '../../src/bundled-platform/platform-data.js';
import { loadDataRows } from '../../src/load/data-feeder.js';
import { resolveConfigObject } from '../../src/run/resolve-config.js';

const manifest = {
  users: [
    { id: 'p1', email: 'p1@example.com', password: 'pw1', role: 'production' },
    { id: 'c1', email: 'c1@example.com', password: 'pw2', role: 'creator' },
    { id: 'p2', email: 'p2@example.com', password: 'pw3', role: 'production' },
  ],
  publishedPitchIds: ['a', 'b', 'c'],
};
const request = { path: '/x' };
const scenario = (data: string) => ({
  executor: 'shared-iterations' as const,
  iterations: 1,
  requests: [request],
  data,
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pf-platform-data-'));
}

// Written by hand from the rules in seed-manifest.ts: production users cycle, creators come from the users (no
// creatorIds), 8 search terms make 8 rows.
const expectedRows = [
  { email: 'p1@example.com', password: 'pw1', pitchId: 'a', creatorId: 'c1', term: 'the' },
  { email: 'p2@example.com', password: 'pw3', pitchId: 'b', creatorId: 'c1', term: 'night' },
  { email: 'p1@example.com', password: 'pw1', pitchId: 'c', creatorId: 'c1', term: 'love' },
  { email: 'p2@example.com', password: 'pw3', pitchId: 'a', creatorId: 'c1', term: 'city' },
  { email: 'p1@example.com', password: 'pw1', pitchId: 'b', creatorId: 'c1', term: 'last' },
  { email: 'p2@example.com', password: 'pw3', pitchId: 'c', creatorId: 'c1', term: 'war' },
  { email: 'p1@example.com', password: 'pw1', pitchId: 'a', creatorId: 'c1', term: 'dream' },
  { email: 'p2@example.com', password: 'pw3', pitchId: 'b', creatorId: 'c1', term: 'house' },
];

describe('bundled-platform data adapter (issue 11 item 4)', () => {
  it('a scenario whose data is a seed manifest gets plain rows; other data is left to the load engine', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify(manifest));
    fs.writeFileSync(path.join(dir, 'rows.json'), JSON.stringify([{ a: 1 }]));
    const out = platformDataAsRows(
      { s: scenario('m.json'), t: scenario('rows.json'), u: scenario('missing.json') },
      dir,
    );
    expect(out.s.data).toEqual(expectedRows);
    expect(out.t.data).toBe('rows.json');
    expect(out.u.data).toBe('missing.json');
  });

  it('the generic load feeder no longer knows the manifest shape', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify(manifest));
    expect(() => loadDataRows('m.json', dir, 'load.scenarios.s.data')).toThrow(InputError);
    expect(() => loadDataRows('m.json', dir, 'load.scenarios.s.data')).toThrow(/expected a JSON array of objects$/);
  });

  it('a manifest without a production user is a config error at the scenario data key', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify({ ...manifest, users: [manifest.users[1]] }));
    const call = () => platformDataAsRows({ s: scenario('m.json') }, dir);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/m\.json: seed manifest: no production-company user/);
  });

  it('a resolved config carries the rows (what every collector and the k6 export read)', async () => {
    const dir = tmpDir();
    const cwd = process.cwd();
    fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify(manifest));
    process.chdir(dir);
    try {
      const resolved = await resolveConfigObject({ load: { scenarios: { s: scenario('m.json') } } }, dir);
      expect(resolved.config.load?.scenarios?.s.data).toEqual(expectedRows);
    } finally {
      process.chdir(cwd);
    }
  });

  it("k6 export of the default scenarios embeds a started platform's rows, or says how to get them", () => {
    const dir = tmpDir();
    expect(() => platformScenariosForExport(dir)).toThrow(UsageError);
    expect(() => platformScenariosForExport(dir)).toThrow(/pitchey-fit platform start --seed/);
    fs.mkdirSync(path.join(dir, '.pitchey-fit', 'platform'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.pitchey-fit', 'platform', 'seed-manifest.json'), JSON.stringify(manifest));
    const scenarios = platformScenariosForExport(dir);
    expect(Object.keys(scenarios)).toEqual(['browse-88', 'browse-95']);
    expect(scenarios['browse-88'].data).toEqual(expectedRows);
  });
});
