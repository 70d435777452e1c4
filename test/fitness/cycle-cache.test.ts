import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectStatic } from '../../src/fitness/index.js';
import { fixture } from './fixture-config.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cycle-cache-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const collect = (root: string, cacheDir?: string) =>
  collectStatic({
    root,
    services: {},
    shared: [],
    allowedDependencies: [],
    static: { scope: 'all' },
    ...(cacheDir ? { cacheDir } : {}),
  });

describe('cycle reports cached by a digest of the graph', () => {
  it('a warm run reuses them, a new import recomputes them, both equal to an uncached run', async () => {
    const root = path.join(tmp, 'worker');
    const cacheDir = path.join(tmp, 'cache');
    fs.cpSync(fixture('worker-monolith'), root, { recursive: true });
    const fresh = (await collect(root)).section.cycleAnalysis!;
    expect(fresh.all.groups.length).toBeGreaterThan(0);
    await collect(root, cacheDir);
    const cacheFile = path.join(cacheDir, 'static-cycle-cache.json');
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { reports: unknown };
    expect(cached.reports).toEqual({ all: fresh.all, value: fresh.value });
    fs.appendFileSync(path.join(root, 'src', 'utils', 'http.ts'), '\nexport const touched = 1;\n');
    const warm = (await collect(root, cacheDir)).section.cycleAnalysis!;
    expect(warm).toEqual(fresh);

    // A two-file cycle more: the digest changes, the reports are computed again and cached anew.
    fs.writeFileSync(path.join(root, 'src', 'x-a.ts'), "import { b } from './x-b';\nexport const a = () => b;\n");
    fs.writeFileSync(path.join(root, 'src', 'x-b.ts'), "import { a } from './x-a';\nexport const b = () => a;\n");
    const changed = (await collect(root, cacheDir)).section.cycleAnalysis!;
    expect(changed).toEqual((await collect(root)).section.cycleAnalysis);
    expect(changed.all.groups.length).toBe(fresh.all.groups.length + 1);
    expect(changed.all.elementary).toContainEqual(['src/x-a.ts', 'src/x-b.ts', 'src/x-a.ts']);
    const rewritten = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { reports: unknown };
    expect(rewritten.reports).toEqual({ all: changed.all, value: changed.value });
  });

  it('reuses the cached reports without recomputing while the digest matches', async () => {
    const root = path.join(tmp, 'worker2');
    const cacheDir = path.join(tmp, 'cache2');
    fs.cpSync(fixture('worker-monolith'), root, { recursive: true });
    await collect(root, cacheDir);
    const cacheFile = path.join(cacheDir, 'static-cycle-cache.json');
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { reports: { all: { elementary: string[][] } } };
    // A planted value in the cached report comes back: proof the warm run read it instead of running Johnson again.
    cached.reports.all.elementary = [['planted.ts']];
    fs.writeFileSync(cacheFile, JSON.stringify(cached));
    expect((await collect(root, cacheDir)).section.cycleAnalysis!.all.elementary).toEqual([['planted.ts']]);
  });
});
