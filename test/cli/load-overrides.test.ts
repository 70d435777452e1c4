import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDelayServer, type DelayServer } from '../load/helpers/delay-server.js';
import { expectOneLineError, runCliAsync } from './run-cli.js';

// k6-style overrides (issue 15 item 6) through the built CLI against a small in-process server on 127.0.0.1.
let server: DelayServer;
let dir: string;
beforeAll(async () => {
  server = await startDelayServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-overrides-'));
  fs.writeFileSync(
    path.join(dir, 'pitchey-fit.config.json'),
    JSON.stringify({
      load: {
        baseUrl: server.url,
        scenarios: {
          // as configured, each would run for a minute: the overrides make them short
          closed: { executor: 'constant-vus', vus: 2, duration: '1m', requests: [{ path: '/items/closed' }] },
          open: {
            executor: 'constant-arrival-rate',
            rate: 5,
            duration: '1m',
            preAllocatedVUs: 10,
            requests: [{ path: '/items/open' }],
          },
        },
      },
      checks: ['load'],
      history: { enabled: false },
    }),
  );
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.hits.clear());

const cli = (args: string[]) => runCliAsync([...args, '--no-history'], { cwd: dir, timeoutMs: 60_000 });

describe('load / check --vus --duration --iterations --rate', () => {
  it('load --iterations 20 sends exactly 20 requests and says so in the summary', async () => {
    const r = await cli(['load', '--scenario', 'closed', '--iterations', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(server.hits.get('/items/closed')).toBe(20);
    expect(r.stdout).toMatch(/http_reqs\.+: 20 /);
    expect(r.stdout).toContain(
      'note: overridden from the command line: iterations=20 (constant-vus → shared-iterations)',
    );
  });

  it('load --rate 40 --duration 2s sends about 80 requests (40/s for 2 s)', async () => {
    const r = await cli(['load', '--scenario', 'open', '--rate', '40', '--duration', '2s', '--vus', '4']);
    expect(r.code, r.stderr).toBe(0);
    const n = server.hits.get('/items/open') ?? 0;
    expect(n).toBeGreaterThanOrEqual(76);
    expect(n).toBeLessThanOrEqual(81);
    expect(r.stdout).toContain('overridden from the command line: vus=4 (preAllocatedVUs), duration=2s, rate=40/s');
  });

  it('check takes the same flags to its load step', async () => {
    const r = await cli(['check', '--scenario', 'closed', '--iterations', '7', '--vus', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(server.hits.get('/items/closed')).toBe(7);
    expect(r.stdout).toContain('closed: overrides iterations=7 (constant-vus → shared-iterations), vus=1');
  });

  it('bad values are exit 2 naming the flag, before any request', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['load', '--vus', '0'], /--vus must be a positive whole number, got '0'/],
      [['check', '--iterations', '2.5'], /--iterations must be a positive whole number, got '2\.5'/],
      [['load', '--rate', 'fast'], /--rate must be a number above 0, got 'fast'/],
      [['load', '--duration', 'soon'], /--duration must be a k6 duration like 30s or 1m30s, got soon/],
      [['load', '--scenario', 'closed', '--rate', '10'], /--rate does not apply to scenario closed \(constant-vus\)/],
      [['load', '--scenario', 'open', '--iterations', '10'], /--iterations does not apply to scenario open/],
      [['load', '--export-k6', 'x.js', '--vus', '3'], /--vus overrides a run; it does not apply to --export-k6/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(expectOneLineError(r)).toMatch(message);
    }
    expect(server.hits.get('/items/closed') ?? 0).toBe(0);
    expect(server.hits.get('/items/open') ?? 0).toBe(0);
    expect(fs.existsSync(path.join(dir, 'x.js'))).toBe(false);
  });
});
