import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Chalk } from 'chalk';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStatic, proposeServices, proposeShared } from '../../src/fitness/index.js';
import { moduleViewLines } from '../../src/report/module-view-console.js';
import { moduleViewHtml } from '../../src/report/module-view-html.js';
import { fixture } from './fixture-config.js';

// The module view of fixtures/worker-monolith as the console and the HTML report show it; values from its ANSWERS.md.
const root = fixture('worker-monolith');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-module-view-'));
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function section() {
  const services = proposeServices(root);
  const c = await collectStatic({
    root,
    services,
    shared: proposeShared(root, services),
    allowedDependencies: [],
    static: {},
  });
  return c.section;
}

describe('module view of fixtures/worker-monolith', async () => {
  const st = await section();

  it('console: entry, dead share, hubs, unresolved groups, parse error, cycles through the entry', () => {
    const lines = moduleViewLines(st, new Chalk({ level: 0 }), 80);
    expect(lines.slice(0, 3)).toEqual([
      'Entry points: src/worker.ts (wrangler.toml main)',
      'Live: 15 of 21 modules (29% unreachable from the entry, not judged)',
      'Services own 9 of the 15 judged modules',
    ]);
    expect(lines).toContain('  src/worker.ts                     68   8   5');
    expect(lines).toContain('  src/utils/http.ts          7   0   6');
    expect(lines).toContain('Unresolved imports: 1 missing file, 1 uninstalled package, 1 URL');
    expect(lines).toContain("Parse error: src/handlers/media.ts line 15: ':' expected. (3 imports recovered)");
    expect(lines.slice(-4)).toEqual([
      'Cycles, type-only edges too: 2 groups, 7 elementary, 14 circular edges',
      'Cycles, value edges only: 1 group, 2 elementary, 4 circular edges',
      '  5 through an entry point, all through type-only imports, e.g.',
      '    src/handlers/media.ts -> src/worker.ts -> src/handlers/media.ts',
    ]);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('HTML: tables load in Chromium with the same figures', async () => {
    const file = path.join(tmp, 'module-view.html');
    fs.writeFileSync(
      file,
      `<!doctype html><html><head><meta charset="utf-8"><title>m</title></head><body>${moduleViewHtml(st)}</body></html>`,
    );
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    const tables = await page.$$eval('table', (ts) =>
      ts.map((t) =>
        [...t.querySelectorAll('tbody tr')].map((r) =>
          [...r.querySelectorAll('td')].map((d) => (d.textContent ?? '').trim()),
        ),
      ),
    );
    // Hubs by Ce, hubs by Ca, unresolved imports, parse errors, cycle groups (all edges), cycle groups (value edges).
    expect(tables).toHaveLength(6);
    expect(tables[0][0]).toEqual(['src/worker.ts', '68', '8', '5']);
    expect(tables[1][0]).toEqual(['src/utils/http.ts', '7', '0', '6']);
    expect(tables[2]).toEqual([
      ['missing local file', 'src/handlers/notifications.ts:4', './notification-templates', 'live'],
      ['uninstalled package', 'src/services/nda-service.ts:1', 'pdf-lib', 'live'],
      ['URL', 'src/handlers/pitches.ts:1', 'https://esm.sh/marked@12', 'live'],
    ]);
    expect(tables[3]).toEqual([['src/handlers/media.ts', "line 15: ':' expected.", '3', 'live']]);
    expect(tables[4].map((r) => r.slice(0, 3))).toEqual([
      ['6', '5', 'src/worker.ts'],
      ['3', '2', ''],
    ]);
    expect(tables[5].map((r) => r.slice(0, 2))).toEqual([['3', '2']]);
    const cycles = await page.$$eval('ul.evidence', (us) => us.map((u) => u.querySelectorAll('li').length));
    expect(cycles).toEqual([7, 2]);
    expect(await page.$$eval('li.not-pass', (l) => l.length)).toBe(5);
    expect(await page.textContent('details summary')).toBe('Dead modules (6)');
    expect(problems).toEqual([]);
    await page.close();
  });
});
