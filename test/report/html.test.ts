/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/index.js';
import { erroredRun } from '../fixtures-results/edge-runs.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';
import { TEST_OUTPUT_DIR } from './golden.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

async function load(html: string, name: string) {
  mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  const file = path.join(TEST_OUTPUT_DIR, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems, requests, file };
}

describe('renderHtml in headless Chromium', () => {
  it('loads the full report with no console errors, no network fetches and every plot drawn', async () => {
    const { page, problems, requests, file } = await load(renderHtml(fullRun), 'report-full.html');
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);

    const info = await page.evaluate(() => {
      const box = (sel: string) =>
        [...document.querySelectorAll(sel)].map((e) => {
          const r = e.getBoundingClientRect();
          return [Math.round(r.width), Math.round(r.height)];
        });
      const count = (sel: string) => document.querySelectorAll(sel).length;
      return {
        svgs: box('svg.plot'),
        percentileSeries: [...document.querySelectorAll('svg.plot-percentiles g.scenario')].map((g) =>
          g.getAttribute('data-scenario'),
        ),
        percentilePoints: count('svg.plot-percentiles circle.point'),
        uslCurve: count('svg.plot-usl path.usl-curve'),
        uslMeasured: count('svg.plot-usl circle.measured'),
        uslRuns: count('svg.plot-usl circle.run'),
        violatingEdges: [...document.querySelectorAll('svg.plot-graph path.edge.violating')].map(
          (p) => `${p.getAttribute('data-from')}->${p.getAttribute('data-to')}`,
        ),
        otherEdges: count('svg.plot-graph path.edge:not(.violating)'),
        violatingStroke: getComputedStyle(document.querySelector('svg.plot-graph path.edge.violating')!).stroke,
        nodes: [...document.querySelectorAll('svg.plot-graph g.node')].map(
          (g) => `${g.getAttribute('data-service')}${g.classList.contains('not-autonomous') ? '!' : ''}`,
        ),
        trends: [...document.querySelectorAll('svg.plot-trend')].map(
          (s) => `${s.getAttribute('data-function')}:${s.querySelectorAll('circle.trend-point').length}`,
        ),
        rows: count('table.functions tbody tr'),
        title: document.title,
        hasScript: count('script'),
        thresholds: [...document.querySelectorAll('svg.plot-percentiles path.threshold')].map(
          (t) =>
            `${t.closest('g.scenario')!.getAttribute('data-scenario')}:` +
            (t.classList.contains('crossed') ? 'crossed' : 'ok'),
        ),
      };
    });
    for (const [w, h] of info.svgs) expect(w > 200 && h > 100, `svg ${w}x${h}`).toBe(true);
    expect(info.percentileSeries).toEqual(['browse', 'checkout']);
    expect(info.percentilePoints).toBe(20); // 10 finite percentiles per scenario (p100 is the max marker)
    expect(info.uslCurve).toBeGreaterThanOrEqual(1);
    expect(info.uslMeasured).toBe(4 + 1); // 4 points + legend dot
    expect(info.uslRuns).toBe(12);
    expect(info.violatingEdges).toEqual(['nda->pitch', 'nda->user']);
    expect(info.otherEdges).toBe(2);
    expect(info.violatingStroke).toBe('rgb(220, 38, 38)');
    expect(info.nodes).toEqual(['investment', 'nda!', 'pitch', 'user']);
    // history points + this run; scalingEfficiency has one null (inconclusive) history value that is not drawn
    expect(info.trends).toEqual(['serviceAutonomy:5', 'p99Latency:5', 'scalingEfficiency:3']);
    expect(info.rows).toBe(7);
    expect(info.title).toBe('pitchey-fit FAIL · pitchey');
    expect(info.hasScript).toBe(0);
    // p(99)<200 met at 143 ms; p(99)<300 crossed at 517 ms
    expect(info.thresholds).toEqual(['browse:ok', 'checkout:crossed']);

    const tooltip = await page
      .locator('svg.plot-percentiles g.scenario[data-scenario="browse"] circle.point title')
      .nth(7)
      .textContent();
    expect(tooltip).toBe('browse p99: 143.27 ms'); // tooltips carry the exact value of the Result
    await page.screenshot({ path: path.join(TEST_OUTPUT_DIR, 'report-full.png'), fullPage: true });
    for (const plot of ['percentiles', 'usl', 'graph']) {
      await page.locator(`svg.plot-${plot}`).screenshot({ path: path.join(TEST_OUTPUT_DIR, `plot-${plot}.png`) });
    }
    await page.close();
  });

  it('leaves the Baseline cell empty for a function whose config sets no current', async () => {
    const { page } = await load(renderHtml(fullRun), 'report-baseline.html');
    const cells = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('tr[data-function]')];
      const table = rows[0].closest('table')!;
      const col = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent === 'Baseline');
      return Object.fromEntries(
        rows.map((r): [string, string | null] => [
          r.getAttribute('data-function')!,
          r.querySelectorAll('td')[col].textContent,
        ]),
      );
    });
    await page.close();
    expect(cells.serviceAutonomy).toBe('75%');
    expect(cells.checkoutP99).toBe('');
  });

  it('renders a static-only passing run without load, scale or trend plots', async () => {
    const { page, problems } = await load(renderHtml(passingStaticRun), 'report-pass.html');
    expect(problems).toEqual([]);
    expect(await page.locator('svg.plot-percentiles').count()).toBe(0);
    expect(await page.locator('svg.plot-usl').count()).toBe(0);
    expect(await page.locator('svg.plot-graph').count()).toBe(1);
    expect(await page.locator('.verdict .badge').textContent()).toBe('pass');
    await page.close();
  });

  it('renders an errored partial run with empty sections cleanly', async () => {
    const { page, problems } = await load(renderHtml(erroredRun), 'report-errored.html');
    expect(problems).toEqual([]);
    // percentiles (axes only), USL (point only), graph (empty), trend
    expect(await page.locator('svg.plot').count()).toBe(4);
    expect(await page.locator('#problems + ul li').textContent()).toBe(
      'collect.load: target http://127.0.0.1:9 unreachable: ECONNREFUSED',
    );
    await page.close();
  });

  it('escapes hostile text from the result', () => {
    const r = structuredClone(passingStaticRun);
    r.subject.name = '<img src=x onerror=alert(1)>';
    r.functions[0].metric = '</td><script>alert(1)</script>';
    const html = renderHtml(r);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;');
  });
});
