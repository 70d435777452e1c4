/**
 * CPU quotas per process with Linux control groups — how Kubernetes enforces CPU limits: cgroup v2 `cpu.max`
 * ("quota period") or cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`. A scaling sweep gives each scaled unit
 * (a worker) its own group with a fixed CPU budget, and the shared backend (the database) another, so N units
 * × a fraction of a core fit on a small machine and E(N) measures the architecture, not oversubscription.
 * Processes are placed by pid (written to `cgroup.procs`), so the system under test needs no change.
 */
import fs from 'node:fs';
import path from 'node:path';

export type CgroupVersion = 'v1' | 'v2';

export interface CpuQuotaSupport {
  version: CgroupVersion;
  /** Folder under which this run's groups are created. */
  parent: string;
}

/** Where the cgroup file systems are mounted; /proc/self/mounts on Linux. */
export interface CgroupProbeOptions {
  mountsFile?: string;
  /** Overrides the mount table's root for tests (a writable tmp folder that mimics /sys/fs/cgroup). */
  root?: string;
}

interface Mount {
  dir: string;
  type: string;
  options: string[];
}

function readMounts(file: string): Mount[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, dir = '', type = '', opts = ''] = line.split(' ');
      return { dir: dir.replace(/\\040/g, ' '), type, options: opts.split(',') };
    });
}

function writable(dir: string): string | null {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'not writable';
  }
}

/**
 * Finds a cgroup hierarchy with the cpu controller where this process may create groups; a one-line reason when
 * there is none (not Linux, no cpu controller, not root, read-only cgroup file system).
 */
export function probeCpuQuota(opts: CgroupProbeOptions = {}): CpuQuotaSupport | { reason: string } {
  if (process.platform !== 'linux' && !opts.root)
    return { reason: `CPU quotas need Linux cgroups (this is ${process.platform})` };
  const mounts = readMounts(opts.mountsFile ?? '/proc/self/mounts');
  const candidates: Array<{ version: CgroupVersion; dir: string; readOnly: boolean }> = [];
  for (const m of mounts) {
    const dir = opts.root ? path.join(opts.root, path.relative('/sys/fs/cgroup', m.dir)) : m.dir;
    const readOnly = m.options.includes('ro');
    if (m.type === 'cgroup2') {
      const controllers = safeRead(path.join(dir, 'cgroup.controllers'));
      if (controllers?.split(/\s+/).includes('cpu')) candidates.push({ version: 'v2', dir, readOnly });
    } else if (m.type === 'cgroup' && m.options.includes('cpu')) {
      candidates.push({ version: 'v1', dir, readOnly });
    }
  }
  if (candidates.length === 0) return { reason: 'no cgroup hierarchy with the cpu controller is mounted' };
  const problems: string[] = [];
  for (const c of candidates) {
    if (c.readOnly) {
      problems.push(`${c.dir} is mounted read-only`);
      continue;
    }
    const denied = writable(c.dir);
    if (denied) {
      problems.push(`${c.dir} is not writable (${denied}${process.getuid?.() !== 0 ? ', not root' : ''})`);
      continue;
    }
    const trial = tryGroup(c.dir, c.version);
    if (trial) {
      problems.push(`${c.dir}: ${trial}`);
      continue;
    }
    return { version: c.version, parent: c.dir };
  }
  return { reason: `CPU quotas cannot be set: ${problems.join('; ')}` };
}

/** Creates and removes a probe group with a quota: the only sure test that quotas can be set here. */
function tryGroup(dir: string, version: CgroupVersion): string | null {
  try {
    const plan = QuotaPlan.create({ version, parent: dir }, 'probe');
    try {
      plan.addUnit(0.1);
    } finally {
      plan.remove();
    }
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `a quota group could not be created (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}

function safeRead(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

export interface QuotaGroupStats {
  /** CPU time used by the group's processes, seconds. */
  usageSec: number | null;
  /** Periods in which the group hit its quota. */
  throttledPeriods: number | null;
  periods: number | null;
}

/** One control group with a CPU budget of `cpus` (e.g. 0.2 = 20 ms per 100 ms period). */
export class CpuQuotaGroup {
  private constructor(
    readonly dir: string,
    readonly version: CgroupVersion,
    readonly cpus: number,
    readonly periodUs: number,
  ) {}

  static create(
    parentDir: string,
    version: CgroupVersion,
    name: string,
    cpus: number,
    periodUs = 100_000,
  ): CpuQuotaGroup {
    if (!(cpus > 0)) throw new Error(`a CPU budget must be positive, got ${cpus}`);
    const dir = path.join(parentDir, name);
    fs.mkdirSync(dir);
    const quotaUs = Math.max(1000, Math.round(cpus * periodUs));
    try {
      if (version === 'v2') fs.writeFileSync(path.join(dir, 'cpu.max'), `${quotaUs} ${periodUs}`);
      else {
        fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(periodUs));
        fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
      }
    } catch (e) {
      fs.rmdirSync(dir);
      throw e;
    }
    return new CpuQuotaGroup(dir, version, cpus, periodUs);
  }

  /** Moves each process (all its threads) into the group; returns the pids that could not be moved (gone). */
  place(pids: Iterable<number>): number[] {
    const failed: number[] = [];
    for (const pid of pids) {
      try {
        fs.writeFileSync(path.join(this.dir, 'cgroup.procs'), String(pid));
      } catch {
        failed.push(pid);
      }
    }
    return failed;
  }

  pids(): number[] {
    return (safeRead(path.join(this.dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean).map(Number);
  }

  stats(): QuotaGroupStats {
    const stat = parseKeyValues(safeRead(path.join(this.dir, 'cpu.stat')) ?? '');
    if (this.version === 'v2') {
      return {
        usageSec: stat.usage_usec !== undefined ? stat.usage_usec / 1e6 : null,
        throttledPeriods: stat.nr_throttled ?? null,
        periods: stat.nr_periods ?? null,
      };
    }
    const usage = safeRead(path.join(this.dir, 'cpuacct.usage'));
    return {
      usageSec: usage !== null && usage !== '' ? Number(usage) / 1e9 : null,
      throttledPeriods: stat.nr_throttled ?? null,
      periods: stat.nr_periods ?? null,
    };
  }

  /** Moves any process left back to `fallbackDir` (the hierarchy's root) and removes the group. */
  remove(fallbackDir: string): void {
    for (const pid of this.pids()) {
      try {
        fs.writeFileSync(path.join(fallbackDir, 'cgroup.procs'), String(pid));
      } catch {
        // gone meanwhile
      }
    }
    try {
      fs.rmdirSync(this.dir);
    } catch {
      // a process exiting right now still counts as a member for a moment; the folder is empty and harmless
    }
  }
}

function parseKeyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

/**
 * The groups of one sweep step: a folder `pitchey-fit-<pid>-<step>` holding one group per unit and one for the
 * shared part. On cgroup v2 the folder enables the cpu controller for its children.
 */
export class QuotaPlan {
  readonly units: CpuQuotaGroup[] = [];
  shared: CpuQuotaGroup | null = null;
  private constructor(
    readonly support: CpuQuotaSupport,
    readonly dir: string,
  ) {}

  static create(support: CpuQuotaSupport, label: string): QuotaPlan {
    const dir = path.join(support.parent, `pitchey-fit-${process.pid}-${label}`);
    if (support.version === 'v2' && !safeRead(path.join(support.parent, 'cgroup.subtree_control'))?.includes('cpu')) {
      fs.writeFileSync(path.join(support.parent, 'cgroup.subtree_control'), '+cpu');
    }
    fs.mkdirSync(dir);
    if (support.version === 'v2') {
      try {
        fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+cpu');
      } catch (e) {
        fs.rmdirSync(dir);
        throw e;
      }
    }
    return new QuotaPlan(support, dir);
  }

  addUnit(cpus: number, periodUs?: number): CpuQuotaGroup {
    const g = CpuQuotaGroup.create(this.dir, this.support.version, `unit-${this.units.length + 1}`, cpus, periodUs);
    this.units.push(g);
    return g;
  }

  setShared(cpus: number, periodUs?: number): CpuQuotaGroup {
    this.shared = CpuQuotaGroup.create(this.dir, this.support.version, 'shared', cpus, periodUs);
    return this.shared;
  }

  remove(): void {
    for (const g of [...this.units, ...(this.shared ? [this.shared] : [])]) g.remove(this.support.parent);
    try {
      fs.rmdirSync(this.dir);
    } catch {
      // see CpuQuotaGroup.remove
    }
  }
}
