/** Runs the tracking commands in-process, handling errors the way src/cli/main.ts does. */
import { Command, CommanderError } from 'commander';
import { register as registerCompare } from '../../src/cli/compare.js';
import { CliUsageError, type CliContext } from '../../src/cli/format.js';
import { register as registerMetrics } from '../../src/cli/metrics.js';
import { register as registerModels } from '../../src/cli/models.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function trackCli(home: string, args: readonly string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const context: CliContext = { out: (t) => void (out += t), err: (t) => void (err += t), home: () => home };
  const program = new Command('sluice').exitOverride().configureOutput({ writeOut: context.out, writeErr: context.err });
  for (const register of [registerMetrics, registerCompare, registerModels]) register(program, context);
  const saved = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync([...args], { from: 'user' });
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) code = ['commander.helpDisplayed', 'commander.help'].includes(error.code) ? 0 : 2;
    else if (error instanceof CliUsageError) {
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
