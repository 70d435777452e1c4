import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPlatformScenarios } from '../../src/bundled-platform/default-scenarios.js';
import type { SeedManifest } from '../../src/bundled-platform/seed-manifest.js';
import { runLoad } from '../../src/load/run-load.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'platform', 'cli.js');

let child: ChildProcess | undefined;
let url = '';
let manifest: SeedManifest;

describe.skipIf(!existsSync(cli))('default scenarios against the bundled platform', () => {
  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pf-load-platform-'));
    child = spawn(
      process.execPath,
      [
        cli,
        'start',
        '--port',
        '0',
        '--seed',
        '--users',
        '200',
        '--pitches',
        '300',
        '--rate-limit',
        'off',
        '--data-dir',
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const rl = createInterface({ input: child.stdout! });
    url = await new Promise<string>((resolve, reject) => {
      rl.on('line', (l) => {
        try {
          const o = JSON.parse(l) as { event?: string; url?: string };
          if (o.event === 'ready' && o.url) resolve(o.url);
        } catch {
          /* not the ready line */
        }
      });
      child!.once('exit', (c) => reject(new Error(`platform exited with ${c}`)));
    });
    manifest = JSON.parse(readFileSync(path.join(dataDir, 'seed-manifest.json'), 'utf8')) as SeedManifest;
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('browse-88 runs with sign-in, passes its body checks and reports a p99', async () => {
    const sc = defaultPlatformScenarios(manifest)['browse-88'];
    const load = await runLoad({
      baseUrl: url,
      outDir: mkdtempSync(path.join(tmpdir(), 'pf-load-out-')),
      workers: 1,
      scenarios: { 'browse-88': { ...sc, rate: 20, duration: '2s', preAllocatedVUs: 3, maxVUs: 20 } },
    });
    const s = load.scenarios[0];
    expect(s.metrics.setup_req_failed.values.passes).toBe(0);
    expect(s.metrics.http_reqs.values.count).toBe(40);
    expect(s.metrics.http_req_failed.values.rate).toBe(0);
    expect(s.metrics.checks.values.fails).toBe(0);
    expect(s.metrics.http_req_duration.values['p(99)']).toBeGreaterThan(0);
    expect(s.thresholds.find((t) => t.metric === 'http_req_failed')!.ok).toBe(true);
  });
});
