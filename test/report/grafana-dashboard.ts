import { readFileSync } from 'node:fs';
import path from 'node:path';

export const DASHBOARD_FILE = path.resolve(import.meta.dirname, '../../grafana/pitchey-fit-dashboard.json');

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
  gridPos: { x: number; y: number; w: number; h: number };
}

export function dashboardPanels(): Panel[] {
  return (JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Panel[] }).panels;
}

/** Every PromQL expression of the dashboard, with the `$job` variable set to match any job. */
export function dashboardQueries(): Array<{ panel: string; expr: string }> {
  return dashboardPanels().flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr.replace(/\$job/g, '.*') })),
  );
}
