import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Chalk } from 'chalk';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStatic, proposeServices, proposeShared } from '../../src/fitness/index.js';
import { domainViewLines } from '../../src/report/domain-view-console.js';
import { domainViewHtml } from '../../src/report/domain-view-html.js';
import { makeWorkerMonolithHistory } from './worker-monolith-history.js';

// Tables, change coupling and boundary advice of fixtures/worker-monolith (with its generated git history) as the
// console and the HTML report show them; every figure is in fixtures/worker-monolith/ANSWERS.md.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-domain-view-'));
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('domain view of fixtures/worker-monolith', async () => {
  const repo = makeWorkerMonolithHistory(path.join(tmp, 'history'));
  const services = proposeServices(repo);
  const c = await collectStatic({
    root: repo,
    services,
    shared: proposeShared(repo, services),
    allowedDependencies: [],
    static: {},
  });
  const st = c.section;

  it('console: tables several services write, co-change pairs, the boundary to-do list', () => {
    const lines = domainViewLines(st, new Chalk({ level: 0 }), 80);
    expect(lines.slice(0, 7)).toEqual([
      'Tables: 5 in 15 SQL statements, 2 written by several services: pitches, users',
      '  Table          Written by          Only read by',
      '  media          media               –',
      '  ndas           nda                 –',
      '  notifications  notification        –',
      '  pitches        nda, pitch          –',
      '  users          notification, user  pitch',
    ]);
    expect(lines).toContain('Change coupling: 10 commits (1 bulk ignored), 3 pairs ≥ 2 shared, 1 hidden');
    expect(lines).toContain('  Cross-service commits: 5 of 9 (56%)');
    expect(lines.find((l) => l.includes('src/handlers/media.ts ~'))).toMatch(/ 2 +57% +hidden$/);
    expect(lines).toContain('  nda (autonomy 0%), 6 to do:');
    const nda = lines.indexOf('  nda (autonomy 0%), 6 to do:');
    expect(lines[nda + 1]).toMatch(/^ {4}table with pitch: table pitches: src\/services\/nda-service\.ts writes, /);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('HTML: the table × service matrix, pairs and to-do tables load in Chromium', async () => {
    const file = path.join(tmp, 'domain-view.html');
    const html = domainViewHtml(st);
    const head = '<!doctype html><html><head><meta charset="utf-8"><title>d</title></head>';
    fs.writeFileSync(file, `${head}<body>${html}</body></html>`);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(file).href);
    const tables = await page.$$eval('table', (ts) =>
      ts.map((t) => ({
        head: [...t.querySelectorAll('thead th')].map((h) => (h.textContent ?? '').trim()),
        rows: [...t.querySelectorAll('tbody tr')].map((r) =>
          [...r.querySelectorAll('td')].map((d) => (d.textContent ?? '').trim()),
        ),
      })),
    );
    // Matrix, several writers, module pairs, service pairs, clusters, then one to-do table per service with live
    // modules (6: websocket's only module is dead).
    expect(tables).toHaveLength(11);
    expect(tables[0].head).toEqual(['Table', 'media', 'nda', 'notification', 'pitch', 'user']);
    expect(tables[0].rows).toEqual([
      ['media', 'W', '', '', '', ''],
      ['ndas', '', 'W', '', '', ''],
      ['notifications', '', '', 'W', '', ''],
      ['pitches', '', 'W', '', 'W', ''],
      ['users', '', '', 'W', 'R', 'W'],
    ]);
    expect(tables[1].rows.map((r) => r.slice(0, 2))).toEqual([
      ['pitches', 'nda, pitch'],
      ['users', 'notification, user'],
    ]);
    expect(tables[2].rows.map((r) => r.slice(2, 5))).toEqual([
      ['3', '3 / 5', '75%'],
      ['2', '2 / 3', '80%'],
      ['2', '2 / 5', '57%'],
    ]);
    expect(tables[2].rows[2][6]).toBe('hidden');
    expect(tables[3].rows).toEqual([
      ['nda', 'pitch', '2', '80%'],
      ['media', 'user', '2', '57%'],
      ['email', 'notification', '1', '100%'],
    ]);
    expect(await page.$$eval('tr.not-pass', (r) => r.length)).toBe(2 + 2 + 1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
