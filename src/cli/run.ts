/**
 * `sluice run <flow.ts> [options] [--param value ...]`: runs a flow on the local runtime.
 * Flow parameters become options: `--learning-rate 0.1` (or `--learningRate`), `--flag`/`--no-flag`
 * for booleans; `SLUICE_PARAM_<NAME>` works too.
 */
import type { Command } from 'commander';
import { loadFlowFile } from '../runtime/loader.js';
import { runFlow } from '../runtime/run.js';
import { flagName, type ParamSpecs } from '../flow/params.js';
import { CliUsageError, collect, type CliContext } from './format.js';
import { createProgress, type ProgressMode } from './progress.js';

export interface RunCommandOptions {
  maxWorkers?: string;
  executor?: string;
  tag?: string[];
  quiet?: boolean;
  json?: boolean;
  with?: string[];
  cache?: boolean;
  cpus?: string;
  memory?: string;
  gpus?: string;
}

/** Splits the tokens after the flow file into param values, by the flow's declared params. */
export function parseParamArgs(flowName: string, specs: ParamSpecs, tokens: readonly string[]): Record<string, string> {
  const byFlag = new Map<string, string>();
  for (const name of Object.keys(specs)) {
    byFlag.set(name, name);
    byFlag.set(flagName(name), name);
  }
  const declared = Object.keys(specs).map((n) => `--${flagName(n)}`).join(', ') || 'none';
  const out: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('--')) {
      throw new CliUsageError(`unexpected argument '${token}': flow parameters are given as --name value`);
    }
    const eq = token.indexOf('=');
    let flag = token.slice(2, eq < 0 ? undefined : eq);
    let value: string | undefined = eq < 0 ? undefined : token.slice(eq + 1);
    let negated = false;
    if (!byFlag.has(flag) && flag.startsWith('no-') && byFlag.has(flag.slice(3))) {
      flag = flag.slice(3);
      negated = true;
    }
    const name = byFlag.get(flag);
    if (!name) throw new CliUsageError(`unknown option '--${flag}' (flow ${flowName} parameters: ${declared}; see sluice run --help)`);
    const isBoolean = specs[name]!.kind === 'boolean';
    if (negated) {
      if (!isBoolean) throw new CliUsageError(`--no-${flag}: parameter '${name}' is not a boolean`);
      value = 'false';
    } else if (value === undefined) {
      const following = tokens[i + 1];
      if (isBoolean && (following === undefined || following.startsWith('--'))) value = 'true';
      else if (following === undefined) throw new CliUsageError(`option '--${flag}' needs a value (${specs[name]!.describe})`);
      else {
        value = following;
        i++;
      }
    }
    if (name in out) throw new CliUsageError(`parameter '${name}' is given twice`);
    out[name] = value;
  }
  return out;
}

/** Options `run` and `resume` share: workers, resources, --with, output. */
export function addRunOptions(command: Command): Command {
  return command
    .option('--max-workers <n>', 'worker processes in the pool (default: number of cores)')
    .option('--executor <kind>', 'pool (default) or inline (same process; breakpoints work)')
    .option('--with <option>', "apply a step option to every step that doesn't set it, e.g. retry:times=3 (repeatable)", collect)
    .option('--cache', 'serve unchanged steps from the step cache')
    .option('--cpus <n>', 'CPUs admission may hand out (default: cores)')
    .option('--memory <size>', 'memory admission may hand out, e.g. 16GiB or 4096 (MiB; default: 90% of RAM)')
    .option('--gpus <ids>', 'GPU device ids to hand out, comma-separated (e.g. 0,1)')
    .option('--tag <tag>', 'tag the run (repeatable)', collect)
    .option('--quiet', 'print only the outcome')
    .option('--json', 'print machine-readable events, one JSON object per line');
}

function positive(flag: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new CliUsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${raw}'`);
  }
  return n;
}

/** Parses `16GiB`, `512MiB`, `2G` or a plain number of MiB. */
export function parseMemoryMiB(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*([\d.]+)\s*(g|gi|gib|gb|m|mi|mib|mb)?\s*$/i.exec(raw);
  const value = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(value) || value <= 0) throw new CliUsageError(`--memory must look like 16GiB, 512MiB or 4096 (MiB), got '${raw}'`);
  return /^g/i.test(m[2] ?? '') ? value * 1024 : value;
}

/** The runFlow options that the shared run flags select. */
export function runSettings(options: RunCommandOptions) {
  const executor = options.executor ?? 'pool';
  if (executor !== 'pool' && executor !== 'inline') throw new CliUsageError(`--executor must be 'pool' or 'inline', got '${executor}'`);
  return {
    executor: executor as 'pool' | 'inline',
    maxWorkers: positive('--max-workers', options.maxWorkers, true),
    cpus: positive('--cpus', options.cpus, false),
    memoryMiB: parseMemoryMiB(options.memory),
    gpus: options.gpus === undefined ? undefined : options.gpus.split(',').map((g) => g.trim()).filter(Boolean),
    with: options.with ?? [],
    cache: options.cache === true,
    tags: options.tag ?? [],
  };
}

/** Runs `start` with Ctrl-C wired to a clean interruption; sets the exit code from the outcome. */
export async function withInterrupt(context: CliContext, start: (signal: AbortSignal) => Promise<{ status: string }>): Promise<void> {
  // Ctrl-C stops the run cleanly (recorded as interrupted); a second Ctrl-C exits at once.
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    context.err('\ninterrupting: stopping running tasks (Ctrl-C again to exit now)\n');
    controller.abort('SIGINT');
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await start(controller.signal);
    if (controller.signal.aborted) process.exitCode = 130;
    else if (result.status !== 'succeeded') process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function progressMode(options: RunCommandOptions): ProgressMode {
  if (options.json) return 'json';
  if (options.quiet) return 'quiet';
  return process.stdout.isTTY ? 'tty' : 'plain';
}

export function register(program: Command, context: CliContext): void {
  addRunOptions(program.command('run').description('run a flow on the local runtime').argument('<flow>', 'flow file (.ts or .js)'))
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption('-h, --help', 'show help (flow parameters: sluice show <flow> lists them)')
    .action(async (file: string, options: RunCommandOptions, command: Command) => {
      const extra = command.args.slice(1);
      const loaded = await loadFlowFile(file);
      const cli = parseParamArgs(loaded.flow.name, loaded.flow.params, extra);
      const settings = runSettings(options);
      const observer = createProgress(progressMode(options), context.out, context.err);
      await withInterrupt(context, (signal) => runFlow({ file, home: context.home(), params: { cli }, observer, signal, ...settings }));
    });
}
