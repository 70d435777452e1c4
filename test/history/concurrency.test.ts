import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../src/history/index.js';
import { ROOT } from '../cli/run-cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-history-race-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const entry = path.join(ROOT, 'dist', 'src', 'history', 'index.js');

/** One process: waits for the shared start instant (so creations collide), then opens the history and appends a run. */
const childScript = `
const [entry, file, runId, startAt] = process.argv.slice(1);
const { openHistory } = await import(entry);
while (Date.now() < Number(startAt)) { /* spin: every process opens the new file at the same instant */ }
const h = openHistory(file);
h.append({ runId, subject: { name: 'race' }, command: 'check', startedAt: new Date().toISOString(), verdict: 'pass',
  schemaVersion: '1.0', functions: [{ id: 'f', value: 1, verdict: 'pass' }] });
h.close();
`;

function runChild(file: string, runId: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      childScript,
      entry,
      file,
      runId,
      String(startAt),
    ]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('history creation under concurrency (issue 14 item 8)', () => {
  it('processes creating the same history file at once all succeed, and every run is stored', async () => {
    const rounds = 6;
    const perRound = 4;
    for (let round = 0; round < rounds; round++) {
      const file = path.join(tmp, `round-${round}`, 'history.sqlite');
      const startAt = Date.now() + 700; // after every child has started
      const results = await Promise.all(
        Array.from({ length: perRound }, (_, i) => runChild(file, `run-${round}-${i}`, startAt)),
      );
      for (const r of results) expect(r.stderr).toBe('');
      expect(results.map((r) => r.code)).toEqual(Array(perRound).fill(0));
      const h = openHistory(file);
      expect(h.count('race')).toBe(perRound);
      h.close();
    }
  }, 120_000);
});
