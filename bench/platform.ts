import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * bench:platform — the reference platform under the domain mix (browse-88: ≈88% reads), open model, one step per
 * offered rate. The platform runs on core 1, our native engine on core 0 (taskset). Prints throughput and
 * p50 / p99 / p99.9 per step, the highest rate with p99 < 20 ms and the goal line (p99 ≤ 20 ms at 1,000 req/s).
 *   --rates 250,500,1000,1500  --seconds 10  --warmup 5  --vus 64  --users 200 --pitches 500
 *   --workers N   (platform workers, all on the server core)   --pg   (PostgreSQL via scripts/pg-cluster.mjs; the
 *   server CPU per request counts the platform's processes only, not PostgreSQL's)
 *   --cpu-prof DIR   (the platform process writes a V8 CPU profile there when it stops: where the CPU goes)
 *   --endpoints   (after each step, p50 / p99 per endpoint of the mix, slowest p99 first: which requests make the tail)
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const { values: o } = parseArgs({
  options: {
    rates: { type: 'string', default: '250,500,1000,1500' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    vus: { type: 'string', default: '64' },
    users: { type: 'string', default: '200' },
    pitches: { type: 'string', default: '500' },
    workers: { type: 'string', default: '1' },
    pg: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    endpoints: { type: 'boolean', default: false },
  },
});
const GOAL_RATE = 1000;
const GOAL_P99_MS = 20;
const rates = o.rates.split(',').map(Number);
if (rates.some((r) => !(r > 0))) {
  process.stderr.write('bench:platform: --rates must be positive numbers, e.g. 250,500,1000\n');
  process.exit(2);
}
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
const pin = (core: number, cmd: string[]) => (hasTaskset ? ['taskset', '-c', String(core), ...cmd] : cmd);

interface Step {
  rate: number;
  rps: number;
  failed: number;
  p50: number;
  p99: number;
  p999: number;
  dropped: number;
  requests: number;
  saturated: boolean;
  reasons: string[];
  endpoints: Array<{ name: string; p50: number; p99: number; count: number; failed: number }>;
  /** Server CPU per request answered during the step (warm-up included), from /proc and the platform's counter. */
  cpuMsPerRequest?: number;
}

function startPg(): { url: string; stop(): void } {
  const script = path.join(root, 'scripts', 'pg-cluster.mjs');
  const r = spawnSync(process.execPath, [script, 'start'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg-cluster failed: ${r.stderr.trim()}`);
  const c = JSON.parse(r.stdout.trim().split('\n').pop()!) as { url: string; dataDir: string };
  return { url: c.url, stop: () => void spawnSync(process.execPath, [script, 'stop', '--data-dir', c.dataDir]) };
}

/** CPU time (ms) used so far by a process and its descendants (worker processes), from /proc. */
function treeCpuMs(pid: number): number {
  const stats = new Map<number, { ppid: number; ms: number }>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ');
      stats.set(Number(d), { ppid: Number(f[1]), ms: ((Number(f[11]) + Number(f[12])) * 1000) / 100 });
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = (p: number): boolean => p === pid || (p > 1 && stats.has(p) && inTree(stats.get(p)!.ppid));
  let total = 0;
  for (const [p, s] of stats) if (inTree(p)) total += s.ms;
  return total;
}

async function startPlatform(dataDir: string, db: string): Promise<{ url: string; pid: number; child: ChildProcess }> {
  const args = [
    'start',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--db',
    db,
    '--seed',
    '--users',
    o.users,
    '--pitches',
    o.pitches,
  ];
  const [cmd, ...rest] = pin(1, [
    process.execPath,
    ...(o['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(o['cpu-prof'])] : []),
    path.join(root, 'dist', 'platform', 'cli.js'),
    ...args,
    '--rate-limit',
    'off',
  ]);
  const child = spawn(cmd, [...rest, ...(Number(o.workers) > 1 ? ['--workers', o.workers] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    // The ready line is the platform's one JSON line; node flags such as --trace-gc may print before and after it.
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => {
      if (l.startsWith('{"event":"ready"')) resolve(JSON.parse(l) as { url: string; pid: number });
    });
    child.once('exit', (c) => reject(new Error(`platform exited ${c} before it was ready`)));
  });
  return { ...ready, child };
}

/** Opens one session per production-company user of the seed manifest (the mix signs in as them). */
async function signInOnce(url: string, dataDir: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(path.join(dataDir, 'seed-manifest.json'), 'utf8')) as {
    users: Array<{ email: string; password: string; role: string }>;
  };
  const tokens: Record<string, string> = {};
  for (const u of manifest.users.filter((x) => x.role === 'production')) {
    const res = await fetch(`${url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: u.email, password: u.password }),
    });
    if (res.status !== 200) throw new Error(`sign-in of ${u.email} answered ${res.status}`);
    tokens[u.email] = ((await res.json()) as { data: { token: string } }).data.token;
  }
  writeFileSync(path.join(dataDir, 'bench-tokens.json'), JSON.stringify(tokens));
}

/** Requests the platform has answered so far, by its own counter (sum of http_requests_total). */
async function served(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) if (line.startsWith('http_requests_total{')) n += Number(line.split(' ').pop());
  return n;
}

// With --workers N each worker answers /metrics for itself (whichever one takes the connection), so the platform's
// own counter cannot be read; the generator's count stands in, the warm-up's share estimated at the achieved rate.
const multiWorker = Number(o.workers) > 1;

async function step(url: string, pid: number, dataDir: string, rate: number): Promise<Step> {
  const cpu0 = treeCpuMs(pid);
  const served0 = multiWorker ? 0 : await served(url);
  const client = path.join(here, 'platform-client.js');
  const [cmd, ...args] = pin(0, [process.execPath, client, url, dataDir, String(rate), o.seconds, o.vus, o.warmup]);
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`load client failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!) as Step;
  const cpu = treeCpuMs(pid) - cpu0;
  const answered = multiWorker
    ? s.requests + s.rps * Number(o.warmup) // measured window + warm-up at the achieved rate
    : (await served(url)) - served0;
  return { ...s, cpuMsPerRequest: cpu / Math.max(1, answered) };
}

const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
const dataDir = mkdtempSync(path.join(tmpdir(), 'pf-bench-platform-'));
const pg = o.pg ? startPg() : null;
const platform = await startPlatform(dataDir, pg?.url ?? 'pglite');
try {
  await signInOnce(platform.url, dataDir);
  const where = hasTaskset ? 'platform on core 1, generator on core 0 (taskset)' : 'no taskset: unpinned';
  console.log(
    `bench:platform — browse-88 mix, open model, ${o.seconds} s per step after ${o.warmup} s warm-up, ${o.vus} VUs; ` +
      `${pg ? 'PostgreSQL' : 'PGlite (embedded)'}, ${o.workers} worker(s), seed ${o.users} users / ${o.pitches} pitches; ${where}`,
  );
  console.log(
    `   offered  achieved       p50       p99     p99.9  failed  dropped  server CPU/request${multiWorker ? ' (≈)' : ''}`,
  );
  const steps: Step[] = [];
  for (const rate of rates) {
    const s = await step(platform.url, platform.pid, dataDir, rate);
    steps.push(s);
    console.log(
      `${String(rate).padStart(10)}${s.rps.toFixed(0).padStart(10)}${ms(s.p50)}${ms(s.p99)}${ms(s.p999)}` +
        `${String(s.failed).padStart(8)}${String(s.dropped).padStart(9)}${s.cpuMsPerRequest!.toFixed(3).padStart(10)} ms` +
        `${s.saturated ? '  (generator saturated)' : ''}`,
    );
    for (const reason of s.saturated ? s.reasons : []) console.log(`            ${reason}`);
    if (o.endpoints)
      for (const e of [...s.endpoints].sort((a, b) => b.p99 - a.p99))
        console.log(`            ${e.name.padEnd(28)} p50 ${ms(e.p50)}  p99 ${ms(e.p99)}  n ${e.count}`);
  }
  const ok = steps.filter((s) => s.p99 < GOAL_P99_MS && s.failed === 0 && s.dropped === 0 && !s.saturated);
  const best = ok.length ? Math.max(...ok.map((s) => s.rate)) : null;
  console.log(
    `highest rate with p99 < ${GOAL_P99_MS} ms (no failures, nothing dropped): ${best === null ? 'none' : `${best} req/s`}`,
  );
  const cpu = steps.reduce((a, s) => a + s.cpuMsPerRequest!, 0) / steps.length;
  if (multiWorker) console.log('(≈: requests counted by the generator, warm-up estimated at the achieved rate)');
  console.log(
    `server CPU per request (mean of steps): ${cpu.toFixed(3)} ms → one core serves at most ≈${Math.round(1000 / cpu)} req/s`,
  );
  const goal = steps.find((s) => s.rate === GOAL_RATE);
  if (goal) {
    const met = goal.p99 <= GOAL_P99_MS && goal.failed === 0 && goal.dropped === 0;
    const note = goal.saturated ? ' — generator saturated, inconclusive' : '';
    console.log(
      `goal p99 ≤ ${GOAL_P99_MS} ms at ${GOAL_RATE} req/s: ${met ? 'MET' : 'NOT MET'} (p99 ${goal.p99.toFixed(1)} ms)${note}`,
    );
  }
} finally {
  platform.child.kill('SIGTERM');
  await new Promise((r) => platform.child.once('exit', r));
  pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
