/**
 * `sluice logs <pathspec> [--stdout] [--stderr] [--attempt n]`: what a task printed.
 * A step pathspec works when the step has a single task. With neither flag, the task's stdout
 * goes to stdout and its stderr to stderr; with one flag, that stream goes to stdout.
 */
import type { Command } from 'commander';
import { RunHandle } from '../client/run.js';
import { StepHandle } from '../client/step.js';
import type { TaskHandle } from '../client/task.js';
import { FlowHandle } from '../client/flow.js';
import { CliUsageError, parseCount, withClient, type CliContext } from './format.js';

interface LogsOptions {
  stdout?: boolean;
  stderr?: boolean;
  attempt?: string;
}

/** The task a pathspec names: a task, or the only task of a step. */
export async function taskOf(handle: FlowHandle | RunHandle | StepHandle | TaskHandle, command: string): Promise<TaskHandle> {
  if (handle instanceof FlowHandle || handle instanceof RunHandle) {
    throw new CliUsageError(`${command} needs a step or task pathspec (Flow/RunId/Step[/TaskId]), got the ${handle instanceof FlowHandle ? 'flow' : 'run'} '${handle.pathspec}'`);
  }
  return handle instanceof StepHandle ? handle.task() : handle;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('logs')
    .description("print a task's stdout/stderr")
    .argument('<pathspec>', 'Flow/RunId/Step/TaskId, or Flow/RunId/Step for a step with one task')
    .option('--stdout', 'only stdout')
    .option('--stderr', 'only stderr')
    .option('--attempt <n>', 'which attempt (default: the latest)')
    .action(async (pathspec: string, options: LogsOptions) => {
      const attempt = parseCount('--attempt', options.attempt);
      await withClient(context, async (client) => {
        const task = await taskOf(await client.get(pathspec), 'logs');
        const both = !options.stdout && !options.stderr;
        const opts = attempt === undefined ? {} : { attempt };
        const out = options.stdout || both ? await task.stdout(opts) : '';
        const err = options.stderr || both ? await task.stderr(opts) : '';
        if (both) {
          context.out(out);
          context.err(err);
        } else {
          context.out(out + err);
        }
        if (out === '' && err === '') {
          const which = both ? 'stdout or stderr' : options.stdout && options.stderr ? 'stdout or stderr' : options.stdout ? 'stdout' : 'stderr';
          context.err(`(${task.pathspec} attempt ${attempt ?? task.attempt} wrote nothing to ${which})\n`);
        }
      });
    });
}
