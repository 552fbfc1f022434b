#!/usr/bin/env node
/**
 * The `sluice` command. Each command group lives in its own module with a `register()`.
 * Usage problems (unknown flags, missing files, invalid flows or params) print one clear message
 * and exit with code 2; a failed run exits with 1.
 */
import { Command, CommanderError } from 'commander';
import { FlowValidationError } from '../flow/graph.js';
import { ParamValueError } from '../flow/params.js';
import { WithOptionError } from '../flow/options.js';
import { FlowLoadError } from '../runtime/loader.js';
import { RunSetupError } from '../runtime/run.js';
import { resolveHome } from '../store/home.js';
import { CliUsageError, type CliContext } from './format.js';
import { register as registerCache } from './cache.js';
import { register as registerCompare } from './compare.js';
import { register as registerDlq } from './dlq.js';
import { register as registerDump } from './dump.js';
import { register as registerGc } from './gc.js';
import { register as registerLogs } from './logs.js';
import { register as registerMetrics } from './metrics.js';
import { register as registerModels } from './models.js';
import { register as registerPlan } from './plan.js';
import { register as registerProfile } from './profile.js';
import { register as registerResume } from './resume.js';
import { register as registerRun } from './run.js';
import { register as registerRuns } from './runs.js';
import { register as registerShow } from './show.js';
import { register as registerTag } from './tag.js';
import { register as registerUi } from './ui.js';

const USAGE_ERRORS = [CliUsageError, FlowLoadError, FlowValidationError, ParamValueError, RunSetupError, WithOptionError];

export function buildProgram(context: CliContext): Command {
  const program = new Command('sluice')
    .description('Sluice: ML pipelines in TypeScript')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: context.out, writeErr: context.err })
    .showSuggestionAfterError(true);
  // One line per command group; keep this list easy to extend.
  const groups = [
    registerRun,
    registerResume,
    registerShow,
    registerRuns,
    registerLogs,
    registerDump,
    registerTag,
    registerUi,
    registerGc,
    registerDlq,
    registerCache,
    registerPlan,
    registerProfile,
    registerMetrics,
    registerCompare,
    registerModels,
  ];
  for (const register of groups) register(program, context);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const context: CliContext = {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    home: () => resolveHome(),
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit cleanly; commander already printed its own message.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    const err = error as Error;
    if (USAGE_ERRORS.some((cls) => err instanceof cls)) {
      context.err(`sluice: ${err.message}\n`);
      return 2;
    }
    context.err(`sluice: ${err.name}: ${err.message}\n`);
    if (process.env.SLUICE_DEBUG) context.err(`${err.stack}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
