import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { publishResult } from '../../src/output/index.js';
import { renderConsole, renderJson, renderPrometheus } from '../../src/report/index.js';
import { fullRun } from '../fixtures-results/full-run.js';
import { makeReadOnly } from './read-only-dir.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-publish-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function streams() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), color: false, quiet: false, json: false },
  };
}

describe('publishResult', () => {
  it('prints the console report first, writes files and the textfile, lists the reports', async () => {
    const s = streams();
    const outDir = path.join(root, 'ok');
    const promFile = path.join(root, 'textfile', 'pitchey.prom');
    await publishResult(fullRun, s.io, { reporters: ['console', 'json'], outDir, promFile, env: {} });
    expect(s.out).toEqual([renderConsole(fullRun, { color: false, width: 80 })]);
    expect(readFileSync(path.join(outDir, 'result.json'), 'utf8')).toBe(renderJson(fullRun));
    expect(readFileSync(promFile, 'utf8')).toBe(await renderPrometheus(fullRun));
    expect(s.err).toEqual([`reports: ${path.relative(process.cwd(), path.join(outDir, 'result.json'))}`]);
  });

  it('an unwritable report: console kept, others written, result saved to a temp file (issue 14 item 9)', async () => {
    const s = streams();
    const blocker = path.join(root, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');
    const promFile = path.join(root, 'prom-ok', 'm.prom');
    const error = await publishResult(fullRun, s.io, {
      reporters: ['console', 'json', 'junit'],
      outDir: path.join(blocker, 'out'),
      promFile,
      env: {},
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    const saved = /the result was saved to (\S+)$/.exec(message)?.[1];
    const why = `${path.join(blocker, 'out')} is under ${blocker}, which is a file`;
    expect(
      message.startsWith(
        `cannot write ${path.join(blocker, 'out', 'result.json')} (${why}), ` +
          `${path.join(blocker, 'out', 'junit.xml')} (${why}); `,
      ),
    ).toBe(true);
    expect(saved).toBeDefined();
    expect(readFileSync(saved!, 'utf8')).toBe(renderJson(fullRun));
    rmSync(saved!);
    expect(s.out).toEqual([renderConsole(fullRun, { color: false, width: 80 })]);
    expect(existsSync(promFile)).toBe(true); // one bad destination does not cost the others
  });

  it('a folder that turns read-only after the check: EACCES/EPERM named, result kept', async (ctx) => {
    const dir = path.join(root, 'turned-read-only');
    mkdirSync(dir);
    const undo = makeReadOnly(dir);
    if (!undo) ctx.skip();
    try {
      const s = streams();
      await expect(publishResult(fullRun, s.io, { reporters: ['json'], outDir: dir, env: {} })).rejects.toThrow(
        /^cannot write \S+result\.json \((EACCES|EPERM)\); the result was saved to \S+\.json$/,
      );
    } finally {
      undo!();
    }
  });

  it('an unreachable pushgateway is a warning: console report kept, no error (issue 14 item 10)', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const s = streams();
    await publishResult(fullRun, s.io, { reporters: ['console'], outDir: root, pushgateway: url, env: {} });
    expect(s.out).toEqual([renderConsole(fullRun, { color: false, width: 80 })]);
    expect(s.err).toEqual([
      `warning: pushgateway ${url} unreachable: ECONNREFUSED; the metrics were not pushed (the verdict stands)`,
    ]);
  });

  it('--json prints the Result, --quiet one line; the GitHub step summary is appended', async () => {
    const summary = path.join(root, 'step-summary.md');
    const s = streams();
    await publishResult(
      fullRun,
      { ...s.io, json: true },
      { reporters: ['console'], outDir: root, env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(s.out).toEqual([renderJson(fullRun)]);
    expect(readFileSync(summary, 'utf8')).toContain('pitchey-fit');
    const q = streams();
    await publishResult(fullRun, { ...q.io, quiet: true }, { reporters: ['console'], outDir: root, env: {} });
    const sum = fullRun.summary;
    expect(q.out).toEqual([
      `${fullRun.verdict.toUpperCase()}: ${sum.passed} passed, ${sum.failed} failed, ${sum.inconclusive} ` +
        `inconclusive, ${sum.errored} errored`,
    ]);
  });
});
