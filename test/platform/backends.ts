import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(root, 'scripts', 'pg-cluster.mjs');

export function pgBinaries(): string | null {
  const r = spawnSync(process.execPath, [script, 'bin'], { encoding: 'utf8' });
  const bin = r.stdout.trim();
  return r.status === 0 && bin ? bin : null;
}

export const PG_AVAILABLE = pgBinaries() !== null;
/** Backends every platform suite runs against; pg is skipped (with this reason) only without server binaries. */
export const BACKENDS: Array<'pglite' | 'pg'> = PG_AVAILABLE ? ['pglite', 'pg'] : ['pglite'];
if (!PG_AVAILABLE) process.stderr.write('[platform tests] pg backend skipped: PostgreSQL server binaries not found\n');

export interface PgCluster {
  url: string;
  replicaUrl: string | null;
  dataDir: string;
  /** A fresh, empty database on the cluster. */
  newDatabase(): Promise<string>;
  /** Kills the streaming replica (immediate shutdown), leaving the primary running. */
  stopReplica(): void;
  /** Takes one server down (immediate shutdown) or brings it back on the same port and data. */
  stopNode(node: 'primary' | 'replica'): void;
  startNode(node: 'primary' | 'replica'): void;
  stop(): void;
}

export function startPgCluster(opts: { replica?: boolean } = {}): PgCluster {
  const r = spawnSync(process.execPath, [script, 'start', ...(opts.replica ? ['--replica'] : [])], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`pg-cluster start failed: ${r.stderr}`);
  const info = JSON.parse(r.stdout) as { url: string; replicaUrl: string | null; dataDir: string };
  return {
    ...info,
    async newDatabase() {
      const name = `pf_${randomBytes(6).toString('hex')}`;
      const c = new pg.Client({ connectionString: info.url });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return info.url.replace(/\/postgres$/, `/${name}`);
    },
    stopReplica() {
      const s = spawnSync(process.execPath, [script, 'stop-replica', '--data-dir', info.dataDir], { encoding: 'utf8' });
      if (s.status !== 0) throw new Error(`pg-cluster stop-replica failed: ${s.stderr}`);
    },
    stopNode(node) {
      const s = spawnSync(process.execPath, [script, 'stop-node', '--node', node, '--data-dir', info.dataDir], {
        encoding: 'utf8',
      });
      if (s.status !== 0) throw new Error(`pg-cluster stop-node failed: ${s.stderr}`);
    },
    startNode(node) {
      const s = spawnSync(process.execPath, [script, 'start-node', '--node', node, '--data-dir', info.dataDir], {
        encoding: 'utf8',
      });
      if (s.status !== 0) throw new Error(`pg-cluster start-node failed: ${s.stderr}`);
    },
    stop() {
      spawnSync(process.execPath, [script, 'stop', '--data-dir', info.dataDir], { encoding: 'utf8' });
    },
  };
}
