import type { Comparator } from '../core/target.js';
import type { Result } from '../core/result.js';

export interface PrometheusRulesOptions {
  /** How far back "was passing" looks for the regression alert (PromQL duration). Default '1d'. */
  regressionWindow?: string;
  /** Results older than this raise PitcheyFitResultsStale (PromQL duration). Default '1d'. */
  staleAfter?: string;
  /** `for:` of the alerts. Default '0m' (results only change when a check runs). */
  for?: string;
}

const NEGATION: Record<Comparator, Comparator> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' };

const q = (s: string): string => JSON.stringify(s); // a YAML double-quoted scalar
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

function promString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function block(expr: string, indent: string): string {
  return `|\n${expr
    .split('\n')
    .map((l) => `${indent}${l}`)
    .join('\n')}`;
}

/**
 * Prometheus alerting rules for the pitchey_fit_* metrics: a fitness function failing, a value regressing past its
 * target (it met the target within the regression window and now does not), stale results. With a Result, one
 * extra rule per function compares its value with its exact target.
 */
export function renderPrometheusRules(result?: Result, opts: PrometheusRulesOptions = {}): string {
  const window = opts.regressionWindow ?? '1d';
  const stale = opts.staleAfter ?? '1d';
  const forDuration = opts.for ?? '0m';
  for (const [k, v] of [
    ['regressionWindow', window],
    ['staleAfter', stale],
    ['for', forDuration],
  ] as const) {
    if (!DURATION.test(v)) throw new TypeError(`${k}: not a Prometheus duration: ${v}`);
  }
  const rules: string[] = [];
  const rule = (
    alert: string,
    expr: string,
    labels: Record<string, string>,
    annotations: Record<string, string>,
  ): void => {
    rules.push(
      [
        `      - alert: ${alert}`,
        `        expr: ${block(expr, '          ')}`,
        `        for: ${forDuration}`,
        '        labels:',
        ...Object.entries(labels).map(([k, v]) => `          ${k}: ${q(v)}`),
        '        annotations:',
        ...Object.entries(annotations).map(([k, v]) => `          ${k}: ${q(v)}`),
      ].join('\n'),
    );
  };

  rule(
    'PitcheyFitFitnessFunctionFailing',
    '(pitchey_fit_fitness_pass == 0)\n' +
      '  * on (function, metric) group_left (severity, adr, target)\n' +
      '  pitchey_fit_fitness_info',
    { severity: '{{ $labels.severity }}', adr: '{{ $labels.adr }}' },
    {
      summary: 'Fitness function {{ $labels.function }} fails its target',
      description: '{{ $labels.metric }} does not meet {{ $labels.target }} (decision record: {{ $labels.adr }}).',
    },
  );
  rule(
    'PitcheyFitValueRegressedPastTarget',
    [
      '(',
      '    (pitchey_fit_fitness_value > pitchey_fit_fitness_target' +
        ' and on (function, metric) pitchey_fit_fitness_direction == -1)',
      '  or',
      '    (pitchey_fit_fitness_value < pitchey_fit_fitness_target' +
        ' and on (function, metric) pitchey_fit_fitness_direction == 1)',
      ')',
      `and on (function, metric) (max_over_time(pitchey_fit_fitness_pass[${window}]) == 1)`,
    ].join('\n'),
    { severity: 'critical' },
    {
      summary: '{{ $labels.function }} regressed past its target',
      description:
        '{{ $labels.metric }} is now {{ $value }}, beyond its target; it met the target within the last ' +
        window +
        '.',
    },
  );
  rule(
    'PitcheyFitResultsStale',
    `time() - pitchey_fit_run_timestamp_seconds > ${durationSeconds(stale)}`,
    { severity: 'medium' },
    {
      summary: 'pitchey-fit results are older than ' + stale,
      description: 'The last run of {{ $labels.job }} started {{ $value | humanizeDuration }} ago.',
    },
  );

  for (const f of result?.functions ?? []) {
    const target = typeof f.target.value === 'boolean' ? Number(f.target.value) : f.target.value;
    const op = NEGATION[f.target.op];
    const name = `PitcheyFitTarget_${f.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    rule(
      name,
      `pitchey_fit_fitness_value{function=${promString(f.id)}} ${op} ${target}`,
      { severity: f.severity, ...(f.adr ? { adr: f.adr } : {}) },
      {
        summary: `${f.id} is past its target ${f.target.text}`,
        description: `${f.metric}: {{ $value }}${f.unit}, target ${f.target.text}.`,
      },
    );
  }

  return [
    '# Prometheus alerting rules for pitchey-fit metrics. Check with: promtool check rules <file>',
    'groups:',
    '  - name: pitchey-fit',
    '    rules:',
    ...rules,
    '',
  ].join('\n');
}

function durationSeconds(d: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * unit[m[2]];
  return total;
}
