import { execFileSync } from 'node:child_process';
import { InputError } from '../../core/errors.js';

export interface Commit {
  hash: string;
  /** Paths relative to the analysed root (git's --relative), forward slashes. */
  files: string[];
}

export class NoGitHistory extends Error {}

/** git reads any text as a date, falling back to now: a window git resolves to now is a typo unless it says now. */
function checkSince(root: string, since: string): void {
  let out: string;
  try {
    out = execFileSync('git', ['-C', root, 'rev-parse', `--since=${since}`], { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    return; // Not a work tree: readCommits says so.
  }
  const seconds = Number(/--max-age=(\d+)/.exec(out)?.[1]);
  if (Math.abs(seconds - Date.now() / 1000) <= 2 && !/\bnow\b/i.test(since)) {
    throw new InputError(
      `--since ${JSON.stringify(since)} is not a date git understands (e.g. "6 months ago", "2026-01-01")`,
    );
  }
}

/**
 * Non-merge commits under `root`, newest first, with the files each changed (renames as delete + add, as code-maat
 * reads `git log --name-status` without -M). `since` is passed to git as written ("6 months ago", "2026-01-01").
 */
export function readCommits(root: string, since: string | null): Commit[] {
  if (since) checkSince(root, since);
  const args = ['log', '--no-merges', '--no-renames', '--relative', '--name-only', '--format=%x00%H'];
  if (since) args.push(`--since=${since}`);
  let out: string;
  try {
    out = execFileSync('git', ['-C', root, ...args, '--', '.'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const raw = (err as { stderr?: unknown }).stderr;
    const stderr = (typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '').trim();
    if (/not a git repository|does not have any commits/i.test(stderr)) {
      throw new NoGitHistory(stderr.split('\n')[0]);
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NoGitHistory('git is not installed');
    throw new NoGitHistory(`git log failed: ${stderr.split('\n')[0] || String(err)}`);
  }
  return out
    .split('\0')
    .slice(1)
    .map((block) => {
      const [hash, ...files] = block.split('\n').filter(Boolean);
      return { hash, files };
    });
}
