// Builds a git repository with a known history from fixtures/worker-monolith, for change-coupling analysis.
// Commit 1 imports the whole tree (a bulk commit); each later commit appends one comment line to exactly the files
// listed in COMMITS, with fixed author, committer and dates, so every co-change count in ANSWERS.md is known.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fixture } from './fixture-config.js';

/** [message, files] of commits 2..10, in order. */
export const COMMITS: Array<[string, string[]]> = [
  ['user: settings endpoint', ['src/handlers/users.ts', 'src/services/user-service.ts']],
  ['pitch: create route', ['src/handlers/pitches.ts', 'src/services/pitch-service.ts', 'src/worker.ts']],
  ['user: last seen', ['src/handlers/users.ts', 'src/services/user-service.ts']],
  [
    'nda: sign flow counts pitches',
    ['src/handlers/ndas.ts', 'src/services/nda-service.ts', 'src/services/pitch-service.ts'],
  ],
  ['notification: email digest', ['src/handlers/notifications.ts', 'src/services/email/send-email.ts']],
  ['nda: pitch lookup', ['src/services/nda-service.ts', 'src/services/pitch-service.ts']],
  ['media: owner check', ['src/handlers/media.ts', 'src/services/user-service.ts']],
  ['media: owner quota', ['src/handlers/media.ts', 'src/services/user-service.ts']],
  ['user: list order', ['src/handlers/users.ts', 'src/services/user-service.ts']],
];

function git(cwd: string, args: string[], date?: string): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Fixture Author',
    GIT_AUTHOR_EMAIL: 'author@fixture.invalid',
    GIT_COMMITTER_NAME: 'Fixture Author',
    GIT_COMMITTER_EMAIL: 'author@fixture.invalid',
    ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
  };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Copies the fixture into the empty folder `dest` and commits its known history there. */
export function makeWorkerMonolithHistory(dest: string): string {
  fs.mkdirSync(dest, { recursive: true });
  if (fs.readdirSync(dest).length > 0) throw new Error(`${dest} is not empty`);
  for (const entry of ['package.json', 'tsconfig.json', 'wrangler.toml', 'src']) {
    fs.cpSync(path.join(fixture('worker-monolith'), entry), path.join(dest, entry), { recursive: true });
  }
  git(dest, ['init', '-q', '-b', 'main']);
  git(dest, ['add', '-A']);
  git(dest, ['commit', '-q', '-m', 'import the worker'], '2026-01-01T10:00:00Z');
  COMMITS.forEach(([message, files], i) => {
    for (const f of files) fs.appendFileSync(path.join(dest, f), `// change ${i + 2}\n`);
    git(dest, ['add', ...files]);
    git(dest, ['commit', '-q', '-m', message], `2026-01-${String(i + 2).padStart(2, '0')}T10:00:00Z`);
  });
  return dest;
}

/** Files changed per commit, oldest first, as git reports them. */
export function filesPerCommit(repo: string): string[][] {
  const out = git(repo, ['log', '--reverse', '--name-only', '--format=%x00']);
  return out
    .split('\0')
    .slice(1)
    .map((block) => block.split('\n').filter(Boolean).sort());
}
