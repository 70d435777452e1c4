import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PidInfo {
  pid: number;
  url: string;
}

export const pidFilePath = (dataDir: string) => path.join(dataDir, 'platform.pid');

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited process its parent has not reaped yet (a zombie) still answers signal 0.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The running platform recorded in the data dir; a stale file (dead pid) is removed and reported as none. */
export function readRunning(dataDir: string): PidInfo | null {
  let info: PidInfo;
  try {
    info = JSON.parse(readFileSync(pidFilePath(dataDir), 'utf8')) as PidInfo;
  } catch {
    return null;
  }
  if (typeof info.pid !== 'number' || !isAlive(info.pid)) {
    rmSync(pidFilePath(dataDir), { force: true });
    return null;
  }
  return info;
}

export function writePidFile(dataDir: string, info: PidInfo): void {
  writeFileSync(pidFilePath(dataDir), JSON.stringify(info) + '\n');
}

export function removePidFile(dataDir: string, pid: number): void {
  try {
    const cur = JSON.parse(readFileSync(pidFilePath(dataDir), 'utf8')) as PidInfo;
    if (cur.pid === pid) rmSync(pidFilePath(dataDir), { force: true });
  } catch {
    // already gone
  }
}
