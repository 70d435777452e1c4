#!/usr/bin/env node
// Throwaway PostgreSQL cluster for tests and local runs.
//   node scripts/pg-cluster.mjs start [--replica] [--data-dir <dir>]  → prints {"url","replicaUrl","dataDir"}
//   node scripts/pg-cluster.mjs stop --data-dir <dir>                 → stops it and deletes the directory
//   node scripts/pg-cluster.mjs stop-replica --data-dir <dir>         → kills the replica only (immediate shutdown)
//   node scripts/pg-cluster.mjs stop-node|start-node --node primary|replica --data-dir <dir> → one server down / up
// As root, server binaries run as the `postgres` user (initdb refuses root) and the directory is owned by it.
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  appendFileSync,
  mkdirSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

function fail(msg) {
  process.stderr.write(`pg-cluster: ${msg}\n`);
  process.exit(2);
}

export function findPgBin() {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin');
  return null;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function pgUser() {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function run(bin, args, opts = {}) {
  const cmd = isRoot ? 'runuser' : bin;
  const argv = isRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  if (r.status !== 0)
    throw new Error(
      `${path.basename(bin)} failed: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`,
    );
  return r.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function configure(dir, port) {
  appendFileSync(
    path.join(dir, 'postgresql.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      // A throwaway test cluster: durability off for speed.
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 300',
      'shared_buffers = 128MB',
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
      '',
    ].join('\n'),
  );
}

async function start(opts) {
  const bin = findPgBin();
  if (!bin) fail('PostgreSQL server binaries not found (install the Debian package postgresql)');
  const user = isRoot ? pgUser() : null;
  if (isRoot && !user) fail('running as root but there is no postgres user to run the server as');
  const dataDir = opts['data-dir']
    ? path.resolve(opts['data-dir'])
    : mkdtempSync(path.join(os.tmpdir(), 'pitchey-pg-'));
  mkdirSync(dataDir, { recursive: true });
  if (user) chownSync(dataDir, user.uid, user.gid);
  const primary = path.join(dataDir, 'primary');
  const port = await freePort();
  run(path.join(bin, 'initdb'), [
    '-D',
    primary,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  configure(primary, port);
  run(path.join(bin, 'pg_ctl'), ['-D', primary, '-l', path.join(dataDir, 'primary.log'), '-w', '-t', '30', 'start']);
  const out = { url: `postgres://postgres@127.0.0.1:${port}/postgres`, replicaUrl: null, dataDir };
  if (opts.replica) {
    const replica = path.join(dataDir, 'replica');
    const rport = await freePort();
    run(path.join(bin, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      '-D',
      replica,
      '-R',
      '-X',
      'stream',
    ]);
    appendFileSync(path.join(replica, 'postgresql.conf'), `port = ${rport}\nunix_socket_directories = '${replica}'\n`);
    run(path.join(bin, 'pg_ctl'), ['-D', replica, '-l', path.join(dataDir, 'replica.log'), '-w', '-t', '30', 'start']);
    out.replicaUrl = `postgres://postgres@127.0.0.1:${rport}/postgres`;
  }
  writeFileSync(path.join(dataDir, 'cluster.json'), JSON.stringify(out) + '\n');
  if (user) chownSync(path.join(dataDir, 'cluster.json'), user.uid, user.gid);
  process.stdout.write(JSON.stringify(out) + '\n');
}

function stop(opts) {
  const dataDir = opts['data-dir'];
  if (!dataDir) fail('stop needs --data-dir <dir>');
  const bin = findPgBin();
  if (!existsSync(dataDir)) fail(`no cluster at ${dataDir}`);
  for (const node of ['replica', 'primary']) {
    const d = path.join(dataDir, node);
    if (bin && existsSync(path.join(d, 'postmaster.pid'))) {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', d, '-m', 'immediate', '-w', 'stop']);
      } catch (e) {
        process.stderr.write(`pg-cluster: ${e.message}\n`);
      }
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ stopped: dataDir }) + '\n');
}

function nodeDir(opts) {
  const dataDir = opts['data-dir'];
  const node = opts.node ?? 'replica';
  if (!dataDir) fail('needs --data-dir <dir>');
  if (node !== 'primary' && node !== 'replica') fail(`--node must be primary or replica, got ${node}`);
  return { dataDir, node, d: path.join(dataDir, node) };
}

function stopNode(opts) {
  const { d, node } = nodeDir(opts);
  const bin = findPgBin();
  if (!bin || !existsSync(path.join(d, 'postmaster.pid'))) fail(`no running ${node} at ${d}`);
  run(path.join(bin, 'pg_ctl'), ['-D', d, '-m', 'immediate', '-w', 'stop']);
  process.stdout.write(JSON.stringify({ stopped: d }) + '\n');
}

function startNode(opts) {
  const { dataDir, d, node } = nodeDir(opts);
  const bin = findPgBin();
  if (!bin || !existsSync(d)) fail(`no ${node} at ${d}`);
  run(path.join(bin, 'pg_ctl'), ['-D', d, '-l', path.join(dataDir, `${node}.log`), '-w', '-t', '30', 'start']);
  process.stdout.write(JSON.stringify({ started: d }) + '\n');
}

const [cmd, ...rest] = process.argv.slice(2);
let opts;
try {
  opts = parseArgs({
    args: rest,
    options: { replica: { type: 'boolean' }, 'data-dir': { type: 'string' }, node: { type: 'string' } },
    strict: true,
  }).values;
} catch (e) {
  fail(e.message.split('\n')[0]);
}
try {
  if (cmd === 'start') await start(opts);
  else if (cmd === 'stop') stop(opts);
  else if (cmd === 'stop-replica') stopNode({ ...opts, node: 'replica' });
  else if (cmd === 'stop-node') stopNode(opts);
  else if (cmd === 'start-node') startNode(opts);
  else if (cmd === 'bin') process.stdout.write((findPgBin() ?? '') + '\n');
  else
    fail(
      'usage: pg-cluster.mjs start [--replica] [--data-dir dir] | stop --data-dir dir | stop-replica --data-dir dir | stop-node|start-node --node primary|replica --data-dir dir',
    );
} catch (e) {
  fail(e.message);
}
