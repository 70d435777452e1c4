import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { collectStatic } from '../../src/fitness/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-owners-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'repo-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const detectors = {
  sharedTables: false,
  mixedResponsibilities: false,
  circuitBreakers: false,
  rateLimits: false,
} as const;

// Issue 14 item 26: two services owning the same file made autonomy quietly depend on the order of the config.
describe('each file belongs to one service', () => {
  const root = repo({
    'src/orders/index.ts': "import { total } from '../billing/total.js';\nexport const order = total;\n",
    'src/billing/total.ts': 'export const total = 1;\n',
    'src/billing/invoice.ts': 'export const invoice = 2;\n',
  });

  it('two services owning one file is a config error naming both services and the file', async () => {
    const err = await collectStatic({
      root,
      services: { orders: ['src/orders/**', 'src/billing/total.ts'], billing: ['src/billing/**'] },
      shared: [],
      allowedDependencies: [],
      static: { detectors },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      'config services.billing: "src/billing/total.ts" is also owned by services.orders: a file belongs to one service',
    );
  });

  it('disjoint services pass, and a folder written without a glob owns what is below it', async () => {
    const c = await collectStatic({
      root,
      services: { orders: ['src/orders'], billing: ['src/billing/**'] },
      shared: [],
      allowedDependencies: [],
      static: { detectors },
    });
    expect(c.section.services.map((s) => [s.name, s.modules])).toEqual([
      ['orders', 1],
      ['billing', 2],
    ]);
  });
});
