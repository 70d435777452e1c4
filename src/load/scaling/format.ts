/** Plain-text sweep table and USL summary for the terminal (`pitchey-fit scale`). */
import { formatSignificant as num } from '../../core/format.js';
import { renderTextTable } from '../../core/format-table.js';
import { stepCapacityText, type ScaleSection } from '../../core/result-scale.js';

/** Numbers right-aligned, the last column (flags) left-aligned; never truncated. */
function table(rows: string[][]): string {
  const [header, ...body] = rows;
  const columns = header.map((h, i) => ({
    header: h,
    align: i === header.length - 1 ? ('left' as const) : ('right' as const),
  }));
  return renderTextTable(columns, body, { width: Number.POSITIVE_INFINITY }).join('\n');
}

export function formatScaleSection(s: ScaleSection): string {
  const fromFile = s.mode === 'points';
  const rows = [['N', fromFile ? 'X' : 'X (req/s)', 'runs', 'E(N)', 'p99 ms', 'errors', 'foreign CPU', 'flags']];
  for (const p of s.points) {
    rows.push([
      String(p.n),
      num(p.throughput, 4),
      p.runs.map((r) => num(r, 4)).join('/'),
      num(p.efficiency),
      num(p.latencyP99Ms),
      String(p.errors),
      p.foreignCpu === null ? '-' : `${(p.foreignCpu * 100).toFixed(0)}%`,
      p.flags.join(','),
    ]);
  }
  const sutCores =
    s.sutCores !== undefined && s.sutCores !== s.cores ? `, ${s.sutCores} for the system under test` : '';
  const title = fromFile
    ? `Scaling points (from a file; target N = ${s.targetN})`
    : `Scaling sweep (${s.mode}, ${s.engine}; ${s.cores} cores${sutCores}; target N = ${s.targetN})` +
      (s.measure === 'capacity' ? '\nX(N) = sustainable open-model rate under the SLO (capacity search per step)' : '');
  const out = [`${title}${s.partial ? ' [partial]' : ''}`, table(rows)];
  for (const p of s.points) if (p.capacity) out.push(`  ${stepCapacityText(p.n, p.throughput, p.capacity)}`);
  out.push('');
  const f = s.fit;
  if (f) {
    const level = Math.round((f.bootstrap?.level ?? 0.95) * 100);
    const iv = (v?: [number, number]) => (v ? ` (${level}% bootstrap CI ${num(v[0])} .. ${num(v[1])})` : '');
    out.push(
      `USL fit: σ = ${num(f.sigma, 4)}${iv(f.sigmaInterval)}, κ = ${num(f.kappa, 4)}${iv(f.kappaInterval)}, ` +
        `λ = ${num(f.lambda, 5)}, R² = ${f.r2.toFixed(4)}`,
    );
    if (f.standardErrors) {
      const se = f.standardErrors;
      out.push(`standard errors: σ ${num(se.sigma)}, κ ${num(se.kappa)}, λ ${num(se.lambda, 4)}`);
    }
    out.push(
      f.nMax !== null
        ? `peak: N_max = ${num(f.nMax, 4)}, X_max = ${num(f.xMax, 5)}`
        : f.kappa === 0
          ? `no peak (κ = 0)${f.xCeiling !== undefined ? `: X approaches λ/σ = ${num(f.xCeiling, 5)}` : ''}`
          : 'no peak at N ≥ 1 (σ at its bound 1: throughput does not grow with N)',
    );
    const beyond = f.predictions.filter((p) => !s.points.some((q) => q.n === p.n));
    const predicted = beyond.map((p) => `N=${p.n}: X=${num(p.throughput, 4)}, E=${num(p.efficiency)}`);
    if (beyond.length) out.push(`predicted (E relative to λ): ${predicted.join('; ')}`);
  }
  if (s.fitNote) out.push(f ? `note: ${s.fitNote}` : s.fitNote);
  for (const o of s.overrides ?? []) out.push(`- ${o}`);
  for (const n of s.notes) out.push(`- ${n}`);
  return out.join('\n');
}
