import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPrometheus } from '../../src/report/index.js';
import { fullRun } from '../fixtures-results/full-run.js';
import { TEST_OUTPUT_DIR } from './golden.js';
import { DASHBOARD_FILE, dashboardPanels, dashboardQueries } from './grafana-dashboard.js';

describe('grafana/pitchey-fit-dashboard.json', () => {
  it('is a Grafana dashboard with a datasource and job variable', () => {
    const d = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
      uid: string;
      templating: { list: Array<{ name: string }> };
    };
    expect(d.uid).toBe('pitchey-fit');
    expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'job']);
    expect(dashboardQueries().length).toBeGreaterThan(20);
  });

  it('queries only metrics that renderPrometheus exposes', async () => {
    const exposed = new Set([...(await renderPrometheus(fullRun)).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    for (const { panel, expr } of dashboardQueries()) {
      for (const name of expr.match(/pitchey_fit_[a-z_]+/g) ?? [])
        expect(exposed.has(name), `${panel}: ${name}`).toBe(true);
    }
  });

  it('every expression is valid PromQL (promtool parses them as recording rules)', () => {
    const rules = [
      'groups:',
      '  - name: dashboard',
      '    rules:',
      ...dashboardQueries().map(
        (q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(q.expr)}`,
      ),
    ].join('\n');
    mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
    const file = path.join(TEST_OUTPUT_DIR, 'dashboard-queries.yml');
    writeFileSync(file, `${rules}\n`);
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it('panels do not overlap on the 24-column grid', () => {
    const cells = new Set<string>();
    for (const p of dashboardPanels()) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const key = `${x},${y}`;
          expect(cells.has(key), `${p.title} overlaps at ${key}`).toBe(false);
          cells.add(key);
        }
      }
    }
  });
});
