/**
 * `npm run bench:static [path]`: times our full static check (graph, reachability, cycles, detectors) against
 * dependency-cruiser's own CLI
 * (`depcruise --no-config --ts-pre-compilation-deps --output-type json`, plus `--exclude` of node_modules / dist /
 * build / coverage, which our check skips too) on the same tree, in the same run,
 * interleaved and repeated (median), and prints the ratio, the peak RSS of both and the edge counts of both.
 * Without a path it generates two ~10,000-file profiles in a temp dir: a workspace monorepo, and a worker-shaped
 * monolith (one entry registering every route, raw SQL in a third of the files, 30% dead code). Then a warm re-run
 * after changing one file (per-file caches keyed by content hash).
 *   env: BENCH_REPEATS (default 3), BENCH_FILES (default 10000), BENCH_PROFILES (default monorepo,monolith),
 *   BENCH_PEER=0 skips dependency-cruiser (~6 min on the 10k monolith): for iteration only, no ratio is printed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMonolith, generateMonorepo } from '../scripts/gen-monorepo.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const probe = path.join(here, 'static-rss-probe.js');
const ourRunner = path.join(here, 'static-check-run.js');
const cliBin = path.join(repo, 'dist', 'bin', 'pitchey-fit.js');
const depcruiseBin = path.join(repo, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Run {
  ms: number;
  maxRssKb: number;
  cpuMs: number;
  stdout: string;
}

function timed(args: string[], cwd: string, okCodes: number[] = [0]): Run {
  const rssFile = path.join(os.tmpdir(), `pf-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', probe, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, PF_RSS_FILE: rssFile },
  });
  const ms = performance.now() - started;
  if (r.status === null || !okCodes.includes(r.status))
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const { maxRssKb, cpuMs } = JSON.parse(fs.readFileSync(rssFile, 'utf8')) as { maxRssKb: number; cpuMs: number };
  fs.rmSync(rssFile, { force: true });
  return { ms, maxRssKb, cpuMs, stdout: r.stdout };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function depcruiseEdges(file: string): { modules: number; edges: number; internalEdges: number } {
  const out = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    modules: Array<{
      source: string;
      coreModule?: boolean;
      couldNotResolve?: boolean;
      dependencies: Array<{ couldNotResolve: boolean; coreModule: boolean; resolved: string }>;
    }>;
  };
  let edges = 0;
  let internal = 0;
  let modules = 0;
  for (const m of out.modules) {
    if (!m.coreModule && !m.couldNotResolve && !m.source.includes('node_modules')) modules++;
    for (const d of m.dependencies) {
      edges++;
      if (!d.couldNotResolve && !d.coreModule && !d.resolved.includes('node_modules')) internal++;
    }
  }
  return { modules, edges, internalEdges: internal };
}

interface Goals {
  cold: number;
  warmSeconds: number;
  /** Also time the CLI as a user runs it (writes a config, reports and a history into the tree: generated trees). */
  cli?: boolean;
}

/** `pitchey-fit static` as `init` configured it (every report, the history), warm, after changing one file. */
function cliWarmRuns(target: string, victim: string, repeats: number): Run[] {
  const original = fs.readFileSync(victim, 'utf8');
  timed([cliBin, 'init'], target);
  timed([cliBin, 'static'], target, [0, 1]); // fills the caches: graph, detectors, the transpiled config
  const runs: Run[] = [];
  try {
    for (let i = 0; i < repeats; i++) {
      fs.writeFileSync(victim, original + `\nexport const benchCliTouch${i} = ${i};\n`);
      runs.push(timed([cliBin, 'static'], target, [0, 1]));
    }
  } finally {
    fs.writeFileSync(victim, original);
  }
  return runs;
}

const peerSkipped = process.env.BENCH_PEER === '0';
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function benchTree(target: string, label: string, repeats: number, goals: Goals): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-bench-work-'));
  try {
    const ours: Run[] = [];
    const theirs: Run[] = [];
    const dcOut = path.join(work, 'depcruise.json');
    // What depcruise is pointed at: the workspace packages when there are any, else the tree; it skips what our
    // check skips by default (node_modules, dist, build, coverage), or it would cruise installed packages too.
    const dcTargets = [
      '--exclude',
      '(^|/)(node_modules|dist|build|coverage)/',
      ...(fs.existsSync(path.join(target, 'packages')) ? ['packages'] : ['.']),
    ];
    for (let i = 0; i < repeats; i++) {
      ours.push(timed([ourRunner, target], target));
      // A peer run over a minute is not repeated (the shared CPU): its one figure stands for the median.
      if (!peerSkipped && (i === 0 || theirs[0].ms < 60_000)) {
        theirs.push(
          timed(
            [
              depcruiseBin,
              '--no-config',
              '--ts-pre-compilation-deps',
              '--output-type',
              'json',
              '--output-to',
              dcOut,
              ...dcTargets,
            ],
            target,
          ),
        );
      }
      const peer = theirs[Math.min(i, theirs.length - 1)];
      const peerText = peer
        ? `depcruise ${sec(peer.ms)} (${mb(peer.maxRssKb)})${theirs.length <= i ? ' (not repeated)' : ''}`
        : 'depcruise skipped (BENCH_PEER=0)';
      console.log(`  round ${i + 1}: ours ${sec(ours[i].ms)} (${mb(ours[i].maxRssKb)}), ${peerText}`);
    }
    const ourStats = JSON.parse(ours[ours.length - 1].stdout.trim().split('\n').pop()!) as OurStats;
    const dc = peerSkipped ? undefined : depcruiseEdges(dcOut);

    // Warm: fill the caches, change one file, re-run.
    const cacheDir = path.join(work, 'cache');
    timed([ourRunner, target, cacheDir], target);
    const files = fs
      .readdirSync(target, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.parentPath.includes('node_modules'));
    const victim = path.join(files[Math.floor(files.length / 2)].parentPath, files[Math.floor(files.length / 2)].name);
    const original = fs.readFileSync(victim, 'utf8');
    const warm: Run[] = [];
    try {
      for (let i = 0; i < repeats; i++) {
        fs.writeFileSync(victim, original + `\nexport const benchTouch${i} = ${i};\n`);
        warm.push(timed([ourRunner, target, cacheDir], target));
      }
    } finally {
      fs.writeFileSync(victim, original);
    }
    const warmStats = warm.map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!) as OurStats);

    const oMs = median(ours.map((r) => r.ms));
    const oRss = median(ours.map((r) => r.maxRssKb));
    const wMs = median(warm.map((r) => r.ms));
    const wIn = median(warmStats.map((w) => w.ms));
    const wCpu = median(warmStats.map((w) => w.cpuMs));
    const last = warmStats[warmStats.length - 1];
    console.log('');
    console.log(
      `${label}: static check vs dependency-cruiser on ${target} (median of ${repeats} / ${theirs.length}, ` +
        `interleaved, ${os.cpus().length} CPUs, load average ${loadAverage()})`,
    );
    console.log(
      `  ours (full check)   ${sec(oMs).padStart(9)}  peak RSS ${mb(oRss).padStart(7)}  modules ${ourStats.modules}  edges ${ourStats.edges} (internal ${ourStats.internalEdges}, unresolved ${ourStats.unresolved})`,
    );
    if (dc) {
      const dMs = median(theirs.map((r) => r.ms));
      const dRss = median(theirs.map((r) => r.maxRssKb));
      console.log(
        `  depcruise           ${sec(dMs).padStart(9)}  peak RSS ${mb(dRss).padStart(7)}  modules ${dc.modules}  edges ${dc.edges} (internal ${dc.internalEdges})`,
      );
      console.log(
        `  ratio (ours/depcruise): time ${(oMs / dMs).toFixed(2)}x (goal <= ${goals.cold}x), memory ${(oRss / dRss).toFixed(2)}x (goal <= 1x)`,
      );
    } else {
      console.log('  depcruise           SKIPPED (BENCH_PEER=0, iteration only): no ratio against the peer');
    }
    console.log(
      `  warm re-run after changing one file: ${sec(wMs)} wall incl. node start, ${sec(wIn)} in the check ` +
        `(goal <= ${goals.warmSeconds} s), ${sec(wCpu)} CPU in the check (user+sys, all threads); ` +
        `graph cache ${JSON.stringify(last.cache)}, detector cache ${JSON.stringify(last.factCache)}`,
    );
    console.log(
      `    CPU ms per phase of the last warm run: ${last.phases}; ` +
        `node start + module loading ${last.startupCpuMs.toFixed(0)}`,
    );
    if (goals.cli) {
      const cli = cliWarmRuns(target, victim, repeats);
      console.log(
        `  CLI warm re-run after changing one file (pitchey-fit static with the reports and history init ` +
          `configures): ${sec(median(cli.map((r) => r.ms)))} wall (min ${sec(Math.min(...cli.map((r) => r.ms)))}), ` +
          `${sec(median(cli.map((r) => r.cpuMs)))} CPU (user+sys, all threads)`,
      );
    }
    console.log(
      `  live ${ourStats.live} of ${ourStats.modules} modules; cycles (all/value) ${ourStats.cycles}; values: ${JSON.stringify(ourStats.values)} over ${ourStats.services} proposed services`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

interface OurStats {
  ms: number;
  cpuMs: number;
  startupCpuMs: number;
  phases: string;
  modules: number;
  live: number;
  edges: number;
  internalEdges: number;
  unresolved: number;
  services: number;
  cycles: string;
  values: Record<string, unknown>;
  cache: unknown;
  factCache: unknown;
}

function main(): void {
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  const size = Number(process.env.BENCH_FILES ?? 10_000);
  if (process.argv[2]) {
    benchTree(path.resolve(process.argv[2]), path.basename(process.argv[2]), repeats, { cold: 0.5, warmSeconds: 2 });
    return;
  }
  const profiles = (process.env.BENCH_PROFILES ?? 'monorepo,monolith').split(',');
  for (const profile of profiles) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-bench-${profile}-`));
    try {
      if (profile === 'monolith') {
        const g = generateMonolith(dir, size);
        console.log(`generated a worker-shaped monolith of ${g.files} files under ${g.root}`);
        benchTree(g.root, 'monolith', repeats, { cold: 0.3, warmSeconds: 0.5, cli: true });
      } else {
        const g = generateMonorepo(dir, size, 40);
        console.log(`generated ${g.files} files in ${g.packages} workspace packages under ${g.root}`);
        benchTree(g.root, 'monorepo', repeats, { cold: 0.5, warmSeconds: 2, cli: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

main();
