/**
 * Test helpers for the read commands: run them in-process on a commander program (fast), or
 * through the real CLI entry (`node --import tsx src/cli/main.ts`) as a subprocess.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { register as registerDump } from '../../src/cli/dump.js';
import { CliUsageError, type CliContext } from '../../src/cli/format.js';
import { register as registerLogs } from '../../src/cli/logs.js';
import { register as registerRuns } from '../../src/cli/runs.js';
import { register as registerShow } from '../../src/cli/show.js';
import { register as registerTag } from '../../src/cli/tag.js';
import { FlowValidationError } from '../../src/flow/graph.js';
import { FlowLoadError } from '../../src/runtime/loader.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Runs `sluice <args>` in this process with the read commands registered, handling errors the
 * way src/cli/main.ts does (usage errors: one line, exit 2). process.exitCode is restored after.
 */
export async function cli(home: string, args: readonly string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const context: CliContext = { out: (t) => void (out += t), err: (t) => void (err += t), home: () => home };
  const program = new Command('sluice').exitOverride().configureOutput({ writeOut: context.out, writeErr: context.err });
  for (const register of [registerShow, registerRuns, registerLogs, registerDump, registerTag]) register(program, context);
  const saved = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync([...args], { from: 'user' });
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) code = HELP_CODES.has(error.code) ? 0 : 2;
    else if (error instanceof CliUsageError || error instanceof FlowLoadError || error instanceof FlowValidationError) {
      err += `sluice: ${error.message}\n`;
      code = 2;
    } else {
      err += `sluice: ${(error as Error).name}: ${(error as Error).message}\n`;
      code = 1;
    }
  } finally {
    process.exitCode = saved;
  }
  return { code, out, err };
}

/** Whether src/cli/main.ts registers every read command yet (it is wired in separately). */
export function mainHasReadCommands(): boolean {
  try {
    const source = readFileSync(MAIN, 'utf8');
    return ['./show.js', './runs.js', './logs.js', './dump.js', './tag.js'].every((m) => source.includes(`'${m}'`));
  } catch {
    return false;
  }
}

/** Runs the real CLI as a subprocess: `node --import tsx src/cli/main.ts <args>` with SLUICE_HOME=home. */
export function spawnCli(home: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, env: { ...process.env, SLUICE_HOME: home }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, out: stdout, err: stderr });
      },
    );
  });
}
