/** Edge-case Results: nothing enabled; an errored, partial run with empty sections. Reporters must cope with both. */
import type { Result } from '../../src/core/result.js';
import { passingStaticRun } from './full-run.js';

const { static: _static, baseline: _baseline, ...bare } = passingStaticRun;

export const emptyRun: Result = {
  ...bare,
  runId: 'empty-run',
  command: 'check',
  verdict: 'pass',
  summary: { total: 0, passed: 0, failed: 0, inconclusive: 0, errored: 0, skipped: 0 },
  functions: [],
  findings: [],
  timings: {},
};

export const erroredRun: Result = {
  ...bare,
  runId: 'errored-run',
  command: 'check',
  verdict: 'error',
  partial: true,
  summary: { total: 2, passed: 0, failed: 0, inconclusive: 0, errored: 1, skipped: 1 },
  functions: [
    {
      id: 'p99Latency', kind: 'load', metric: 'p99 of http_req_duration', unit: 'ms',
      target: { op: '<=', value: 200, unit: 'ms', text: '<= 200ms' }, value: null, baseline: null, verdict: 'error',
      reason: 'target http://127.0.0.1:9 unreachable: ECONNREFUSED', severity: 'critical', evidence: [], evidenceTotal: 0, durationMs: 0,
    },
    {
      id: 'scalingEfficiency', kind: 'scale', metric: 'efficiency E(N)', unit: '',
      target: { op: '>=', value: 0.8, unit: '', text: '>= 0.8' }, value: null, baseline: 0.8, verdict: 'skipped',
      reason: 'scale not enabled', severity: 'medium', evidence: [], evidenceTotal: 0, durationMs: 0,
    },
  ],
  findings: [],
  static: {
    engine: 'native', root: '/tmp/empty', counted: 'value',
    counts: { modules: 0, edges: 0, valueEdges: 0, typeEdges: 0, unresolved: 0, parseErrors: 0 },
    services: [], serviceEdges: [], folders: [], cycles: { all: [], value: [] }, parseErrors: [], detectors: {},
  },
  load: {
    targetUrl: 'http://127.0.0.1:9',
    scenarios: [{
      name: 'browse', executor: 'constant-arrival-rate', engine: 'native', startedAt: '2026-11-25T11:05:00.000Z', durationMs: 12,
      partial: true, generatorSaturated: false, saturationReasons: [], latencyResolutionMs: 0.001, percentileMethod: 'exact-r7',
      sampleCount: 0, metrics: {}, thresholds: [], percentileCurve: [],
    }],
  },
  scale: {
    mode: 'concurrency', engine: 'native', cores: 2, targetN: 1, fit: null, fitNote: 'fewer than 3 points: no fit', notes: [],
    points: [{ n: 1, throughput: 0, runs: [0], latencyP99Ms: null, efficiency: null, errors: 12, beyondCores: false, foreignCpu: null, flags: ['errors'] }],
  },
  trends: { p99Latency: [{ runId: 'older', startedAt: '2026-11-24T11:05:00.000Z', value: null, verdict: 'inconclusive' }] },
  timings: {},
  errors: [{ phase: 'collect.load', message: 'target http://127.0.0.1:9 unreachable: ECONNREFUSED' }],
};
