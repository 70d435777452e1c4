import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { renderConsole, renderHtml, renderMarkdown, renderPrometheus } from '../../src/report/index.js';
import { fullRun } from '../fixtures-results/full-run.js';
import { parseSamples, sampleValue } from './prom-text.js';

// fullRun carries hand-made per-endpoint trends (issue 15 item 5) and judges p99Latency against '<= 200ms'.
const withEndpoints: Result = fullRun;
const withoutEndpoints: Result = {
  ...fullRun,
  load: { ...fullRun.load!, scenarios: fullRun.load!.scenarios.map(({ endpoints: _e, ...s }) => s) },
};

function block(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThan(-1);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((l) =>
    l
      .trim()
      .split(/\s{2,}/)
      .join(' | '),
  );
}

describe('per-endpoint breakdown (issue 15 item 5)', () => {
  it('console: the slowest endpoints across scenarios, p99 first, with the ones over the p99 target counted', () => {
    const text = renderConsole(withEndpoints, { color: false, width: 120 });
    expect(block(text, 'Slowest endpoints by p99, in ms (target p99 <= 200ms)')).toEqual([
      'Scenario | Endpoint | reqs | p50 | p95 | p99 | max | errors',
      'checkout | POST /investments [checkout] | 7588 | 61.7 | 244.9 | 517.3 | 1205 | 1.37%',
      'browse | GET /pitches/:id | 9981 | 15.1 | 90.7 | 251.3 | 388.4 | 0.53%',
      'browse | GET /pitches [browse] | 20000 | 10.5 | 48.2 | 120.4 | 300.1 | 0.05%',
      '2 of 3 endpoints have a p99 above the target',
    ]);
    const short = renderConsole(withEndpoints, { color: false, width: 120, maxEndpoints: 1 });
    expect(short).toContain('  … and 2 more endpoints (all are in result.json and report.html)');
  });

  it('console: no section without endpoints, and no target note without a p99 function', () => {
    expect(renderConsole(withoutEndpoints, { color: false })).not.toContain('Slowest endpoints');
    const noTarget = { ...withEndpoints, functions: withEndpoints.functions.filter((f) => f.id !== 'p99Latency') };
    const text = renderConsole(noTarget, { color: false, width: 120 });
    expect(text).toContain('\nSlowest endpoints by p99, in ms\n');
    expect(text).not.toContain('above the target');
  });

  it('HTML: a table of every endpoint, rows over the target marked', () => {
    const html = renderHtml(withEndpoints);
    const table = /<table class="endpoints">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const rows = [
      ...table.matchAll(/<tr( class="not-pass")?[^>]*><td><code>([^<]*)<\/code><\/td><td><code>([^<]*)<\/code>/g),
    ].map((m) => `${m[1] ? 'over ' : ''}${m[2]} ${m[3]}`);
    expect(rows).toEqual(['over checkout POST /investments', 'over browse GET /pitches/:id', 'browse GET /pitches']);
    expect(html).toContain('Endpoints by p99 · target p99 &lt;= 200ms');
    expect(table).toContain('<td class="num">9981</td><td class="num">53</td><td class="num">0.53%</td>');
    expect(renderHtml(withoutEndpoints)).not.toContain('class="endpoints"');
  });

  it('Markdown: the slowest endpoints, p99 over the target in bold', () => {
    const md = renderMarkdown(withEndpoints);
    expect(md).toContain('**Slowest endpoints by p99** (target p99 &lt;= 200ms)');
    expect(md).toContain(
      '| `checkout` | `POST /investments [checkout]` | 7588 | 61.7ms | 244.9ms | **517.3ms** | 1205ms | 1.37% |',
    );
    expect(md).toContain(
      '| `browse` | `GET /pitches [browse]` | 20000 | 10.5ms | 48.2ms | 120.4ms | 300.1ms | 0.05% |',
    );
  });

  it("Prometheus: endpoint gauges carry k6's name label; promtool accepts the exposition", async () => {
    const text = await renderPrometheus(withEndpoints);
    const samples = parseSamples(text);
    const ep = { scenario: 'browse', name: '/pitches/:id', method: 'GET', group: '' };
    expect(sampleValue(samples, 'pitchey_fit_load_endpoint_latency_seconds', { ...ep, percentile: '99' })).toBe(0.2513);
    expect(sampleValue(samples, 'pitchey_fit_load_endpoint_latency_seconds', { ...ep, percentile: '100' })).toBe(
      0.3884,
    );
    expect(sampleValue(samples, 'pitchey_fit_load_endpoint_requests', ep)).toBe(9981);
    expect(sampleValue(samples, 'pitchey_fit_load_endpoint_failed_requests', ep)).toBe(53);
    expect(sampleValue(samples, 'pitchey_fit_load_endpoint_error_ratio', ep)).toBeCloseTo(53 / 9981, 12);
    const post = {
      scenario: 'checkout',
      name: 'POST /investments',
      method: 'POST',
      group: 'checkout',
      percentile: '50',
    };
    expect(sampleValue(samples, 'pitchey_fit_load_endpoint_latency_seconds', post)).toBe(0.0617);
    expect(samples.filter((s) => s.name === 'pitchey_fit_load_endpoint_latency_seconds')).toHaveLength(3 * 4);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
    expect(await renderPrometheus(withoutEndpoints)).not.toContain('pitchey_fit_load_endpoint');
  });
});
