import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/load/http-client.js';
import { ROOT } from '../cli/run-cli.js';

/**
 * https targets: the engine's connection speaks TLS (SNI, certificate verification on, as k6 and undici default) and
 * keeps the connection alive. A test CA made with openssl signs a certificate for localhost; the client trusts it only
 * through NODE_EXTRA_CA_CERTS (read at process start, hence a child process), and refuses it otherwise.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'pf-tls-'));
const file = (name: string) => path.join(dir, name);
let server: Server;
let port: number;
let connections = 0;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

beforeAll(async () => {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=pf-test-ca',
  );
  openssl('req', ...ec, '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('leaf.pem'), '-days', '1', '-extfile', file('san.ext'),
  ); // prettier-ignore
  server = createServer({ key: readFileSync(file('leaf.key')), cert: readFileSync(file('leaf.pem')) }, (req, res) => {
    req.resume();
    res.end(`tls ${req.url}`);
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('HttpClient over TLS', () => {
  it('a certificate from a trusted CA: answers read, one connection kept alive for sequential requests', async () => {
    const before = connections;
    const script = `
      const { HttpClient } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'load', 'http-client.js'))});
      const client = new HttpClient('https://localhost:${port}', 5000);
      const out = [];
      for (const p of ['/a', '/b', '/c']) {
        const r = await client.send('GET', p, undefined, undefined, true, 0);
        out.push([r.status, r.text ?? r.error]);
      }
      await client.close();
      console.log(JSON.stringify(out));`;
    // not spawnSync: the server answering it runs in this process
    const child = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: file('ca.pem') },
      });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      c.on('close', () => resolve({ stdout, stderr }));
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual([
      [200, 'tls /a'],
      [200, 'tls /b'],
      [200, 'tls /c'],
    ]);
    expect(connections - before).toBe(1);
  });

  it('a certificate nobody vouches for: status 0 with the verification error, nothing read', async () => {
    const client = new HttpClient(`https://localhost:${port}`, 5000);
    const r = await client.send('GET', '/', undefined, undefined, true, 0);
    await client.close();
    expect(r).toMatchObject({ status: 0, answered: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});
