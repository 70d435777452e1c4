import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';

/** A place a command will write to, checked before the run so a bad path costs nothing. */
export interface OutputTarget {
  /** The flag or config key the path came from, for the message: `--out-dir`, `--prom-file`. */
  flag: string;
  path: string;
  /** `dir`: a folder the command writes files into; `file`: one file it writes (atomically, via its folder). */
  kind: 'dir' | 'file';
}

// statfs magic numbers of kernel pseudo filesystems, where no report can live (and where Node's recursive mkdir
// loops forever on a missing path under /proc).
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpf'],
]);

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/** The nearest path at or above `p` that exists, and whether it is `p` itself. */
function nearestExisting(p: string): { existing: string; stat: fs.Stats } {
  let current = p;
  for (;;) {
    try {
      return { existing: current, stat: fs.statSync(current) };
    } catch (e) {
      const code = errorCode(e);
      const parent = path.dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw e;
      current = parent;
    }
  }
}

function pseudoFilesystem(dir: string): string | undefined {
  try {
    return PSEUDO_FILESYSTEMS.get(Number(fs.statfsSync(dir).type));
  } catch {
    return undefined;
  }
}

/** Creates and removes a probe folder: the only test of writability that also holds for root, EROFS and chattr +i. */
function probeWritable(dir: string): string | undefined {
  try {
    fs.rmdirSync(fs.mkdtempSync(path.join(dir, '.pitchey-fit-probe-')));
    return undefined;
  } catch (e) {
    return errorCode(e);
  }
}

/** Why files cannot be written into folder `dir` (created if missing), or undefined when they can. */
function folderProblem(dir: string): string | undefined {
  let found: { existing: string; stat: fs.Stats };
  try {
    found = nearestExisting(dir);
  } catch (e) {
    return `cannot be inspected (${errorCode(e)})`;
  }
  const { existing, stat } = found;
  if (!stat.isDirectory())
    return existing === dir ? 'is a file, not a folder' : `is under ${existing}, which is a file`;
  const pseudo = pseudoFilesystem(existing);
  if (pseudo) return `is on the kernel's ${pseudo} filesystem (${existing}), where no file can be created`;
  const denied = probeWritable(existing);
  if (denied)
    return existing === dir
      ? `is not writable (${denied})`
      : `cannot be created: ${existing} is not writable (${denied})`;
  return undefined;
}

function fileProblem(file: string): string | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    stat = undefined; // missing (or under a missing/file path): the folder check below says which
  }
  if (stat?.isDirectory()) return 'is a folder, expected a file';
  const folder = folderProblem(path.dirname(file));
  if (folder) return `cannot be written: its folder ${path.dirname(file)} ${folder}`;
  if (stat) {
    try {
      fs.closeSync(fs.openSync(file, 'r+'));
    } catch (e) {
      return `is not writable (${errorCode(e)})`;
    }
  }
  return undefined;
}

/**
 * Checks, before any work starts, that every output path can be written: a folder is a folder (or can be created),
 * a file is not a folder, and both are writable and not on a kernel pseudo filesystem such as /proc.
 * Throws a UsageError (exit 2) naming the flag and the path of the first problem.
 */
export function checkOutputTargets(targets: Array<OutputTarget | undefined>): void {
  for (const t of targets) {
    if (!t) continue;
    if (t.path.trim() === '') throw new UsageError(`${t.flag}: empty path`);
    const resolved = path.resolve(t.path);
    const problem = t.kind === 'dir' ? folderProblem(resolved) : fileProblem(resolved);
    if (problem) throw new UsageError(`${t.flag} ${t.path} ${problem}`);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. Used instead of `mkdir({ recursive: true })`, which
 * spins forever on a missing path under /proc (Node 20); refuses pseudo filesystems with an error naming them.
 */
export function ensureDir(dir: string): void {
  const resolved = path.resolve(dir);
  const { existing, stat } = nearestExisting(resolved);
  if (existing === resolved && stat.isDirectory()) return;
  const problem = folderProblem(resolved);
  if (problem) throw new Error(`${resolved} ${problem}`);
  const missing: string[] = [];
  for (let p = resolved; p !== existing; p = path.dirname(p)) missing.unshift(p);
  for (const p of missing) {
    try {
      fs.mkdirSync(p);
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
    }
  }
}

/** The gateway URL, checked before a run: a malformed one is a usage error (exit 2), not a lost push afterwards. */
export function parsePushgatewayUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--pushgateway: not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--pushgateway: expected an http(s) URL, got ${url}`);
  }
  return parsed;
}
