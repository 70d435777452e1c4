import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { RESULT_SCHEMA_VERSION, type Result } from '../../core/result.js';
import { gateExitCode } from '../../core/gate.js';
import type { CliState } from '../main.js';
import type { GlobalFlags } from '../io.js';
import { emitResult, parseReporters } from '../emit.js';
import { parseFailOn } from './check.js';

/** Reads and validates a saved Result (result.json written by the json reporter). */
export async function readResultFile(file: string): Promise<Result> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new InputError(`${file} is not a pitchey-fit result of schema ${RESULT_SCHEMA_VERSION} (schemaVersion: ${JSON.stringify(version ?? null)})`);
  }
  const { validateResult } = await import('../../report/index.js');
  const v = validateResult(data);
  if (!v.ok) throw new InputError(`${file} does not match the result schema: ${v.errors[0]}`);
  return data as Result;
}

export function registerReport(program: Command, state: CliState): void {
  program
    .command('report <result.json>')
    .description('re-render a saved result (result.json) with any reporters')
    .option('--gate', 'exit with the result\'s gate code (1 if it failed) instead of 0')
    .option('--fail-on <levels>', 'with --gate: verdicts that fail: fail,error,inconclusive')
    .action(async (file: string, _o, c: Command) => {
      const flags = c.optsWithGlobals<GlobalFlags & { gate?: boolean; failOn?: string }>();
      const io = state.io(c);
      const result = await readResultFile(path.resolve(file));
      const reporters = parseReporters(flags.reporter, ['console']);
      const outDir = path.resolve(flags.outDir ?? 'pitchey-fit-report');
      await emitResult(result, io, { reporters, outDir });
      if (flags.gate) state.exitCode = gateExitCode(result, parseFailOn(flags.failOn, undefined));
    });
}
