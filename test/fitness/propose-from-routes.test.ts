import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { starterConfig } from '../../src/cli/commands/init.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';
import { collectStatic, proposeServices, proposeShared } from '../../src/fitness/index.js';
import { domainOfRoute, proposeFromRoutes } from '../../src/fitness/propose-from-routes.js';
import { runCli } from '../cli/run-cli.js';
import { fixture } from './fixture-config.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-routes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const root = fixture('worker-single-file');

// Derived by hand from the fixture's imports (its README has the table).
const EXPECTED_SERVICES = {
  media: ['src/r2.ts', 'src/uploads.ts'],
  nda: ['src/nda-flow.ts'],
  notification: ['src/inbox.ts', 'src/mailer.ts'],
  pitch: ['src/pitch-api.ts'],
  user: ['src/user-store.ts', 'src/users-api.ts'],
};
const EXPECTED_SHARED = ['src/auth.ts', 'src/db.ts', 'src/env.ts', 'src/http.ts', 'src/pitch-store.ts'];

describe('domainOfRoute', () => {
  it.each([
    ['/api/users/:id', 'user'],
    ['/api/v1/users/me', 'user'],
    ['/api/pitches', 'pitch'],
    ['/ndas/{id}/sign', 'nda'],
    ['/api/categories?x=1', 'category'],
    ['/api/media/upload', 'media'],
    ['/api/:tenant/notifications', 'notification'],
    ['/api', undefined],
    ['/', undefined],
    ['/*', undefined],
  ])('%s -> %s', (route, domain) => expect(domainOfRoute(route)).toBe(domain));
});

describe('init on a worker whose code is one entry file (fixtures/worker-single-file)', () => {
  it('proposes a service per route domain from the modules its handlers reach, the rest shared', () => {
    const p = proposeFromRoutes(root);
    expect(p.routes).toEqual({ user: 3, pitch: 2, nda: 2, notification: 1, media: 1, health: 1 });
    expect(p.services).toEqual(EXPECTED_SERVICES);
    expect(p.shared).toEqual(EXPECTED_SHARED);
    const services = proposeServices(root);
    expect(services).toEqual(EXPECTED_SERVICES);
    expect(proposeShared(root, services)).toEqual(EXPECTED_SHARED);
  });

  it('writes a config that loads as check loads it, and static judges the proposed services', async () => {
    const services = proposeServices(root);
    const shared = proposeShared(root, services);
    const file = path.join(tmp, 'pitchey-fit.config.ts');
    fs.writeFileSync(file, starterConfig('single', services, shared));
    await expect(loadConfigFile(file, BUILTIN_IDS)).resolves.toMatchObject({ config: { services, shared } });
    const c = await collectStatic({ root, services, shared, allowedDependencies: [], static: {} });
    expect(c.section.scope!.entries.map((e) => e.file)).toEqual(['src/worker.ts']);
    // Every proposed module is live and in its service; legacy/admin.ts is the one dead module.
    expect(c.section.scope!.deadModules).toEqual(['src/legacy/admin.ts']);
    expect(Object.fromEntries(c.section.services.map((s) => [s.name, s.modules]))).toEqual({
      media: 2,
      nda: 1,
      notification: 2,
      pitch: 1,
      user: 2,
    });
    // The routes' services import only shared modules: no service depends on another.
    expect(c.section.serviceEdges).toEqual([]);
  });

  it('reads Express-style registrations and ignores other calls with a path argument', () => {
    const dir = path.join(tmp, 'express');
    fs.cpSync(root, dir, { recursive: true });
    const worker = path.join(dir, 'src', 'worker.ts');
    const text = fs.readFileSync(worker, 'utf8');
    // `app.get('/users/:id', …)` without `/api`, and a file-system call whose path names no domain.
    const express = text
      .replace("this.register('GET', '/api/users/:id', getUser)", "router.get('/users/:id', getUser)")
      .replace("this.register('POST', '/api/media/upload', uploadAsset)", "void readFile('/uploads', uploadAsset)")
      .replace(
        'export class Worker {',
        'declare const router: { get(p: string, h: Handler): void };\n' +
          'declare function readFile(p: string, h: unknown): void;\nexport class Worker {',
      );
    fs.writeFileSync(worker, express);
    const p = proposeFromRoutes(dir);
    expect(p.routes).toEqual({ user: 3, pitch: 2, nda: 2, notification: 1, health: 1 });
    expect(Object.keys(p.services)).toEqual(['nda', 'notification', 'pitch', 'user']);
  });

  it('a copy with routes of one domain only proposes nothing from routes', () => {
    const dir = path.join(tmp, 'one-domain');
    fs.cpSync(root, dir, { recursive: true });
    const worker = path.join(dir, 'src', 'worker.ts');
    const text = fs.readFileSync(worker, 'utf8');
    fs.writeFileSync(worker, text.replace(/'\/api\/(pitches|ndas|notifications|media|health)/g, "'/api/users"));
    expect(proposeFromRoutes(dir).services).toEqual({});
    expect(proposeFromRoutes(dir).routes).toEqual({ user: 10 });
  });

  it('the built CLI: init then static passes on the proposed services (no config error)', () => {
    const dir = path.join(tmp, 'cli');
    fs.cpSync(root, dir, { recursive: true });
    const init = runCli(['init'], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('5 services proposed (media, nda, notification, pitch, user)');
    const run = runCli(['static', '--no-history', '--reporter', 'json', '--out-dir', 'out'], { cwd: dir });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8')) as {
      functions: Array<{ id: string; verdict: string; value: unknown }>;
    };
    const autonomy = result.functions.find((f) => f.id === 'serviceAutonomy')!;
    expect(autonomy).toMatchObject({ verdict: 'pass', value: 100 });
  });
});
