/**
 * `sluice dlq <Flow/RunId> [--json]`: the run's dead-letter list — foreach items that failed
 * after their retries under `onFailure: 'continue'` — with item, error and where the logs are.
 */
import type { Command } from 'commander';
import { loadValue } from '../store/values.js';
import { openStore } from '../store/home.js';
import { CliUsageError, table, type CliContext } from './format.js';
import { inspect } from 'node:util';

export function register(program: Command, context: CliContext): void {
  program
    .command('dlq')
    .description("list a run's dead letters: failed foreach items tolerated by onFailure 'continue'")
    .argument('<run>', 'Flow/RunId')
    .option('--json', 'print JSON')
    .action(async (spec: string, options: { json?: boolean }) => {
      const [flow, runId] = spec.split('/');
      const store = openStore(context.home());
      try {
        const run = runId ? await store.meta.getRun(runId) : undefined;
        if (!run || run.flow !== flow) throw new CliUsageError(`dlq: no run ${spec} in ${store.home} (give Flow/RunId)`);
        const letters = (await store.meta.listEvents({ runId: run.runId })).filter((e) => e.kind === 'dead-letter');
        const rows = await Promise.all(
          letters.map(async (e) => {
            const task = await store.meta.getTask(run.runId, Number(e.payload.taskId));
            const frame = task?.foreachStack.find((f) => f.kind === 'foreach' && f.step === e.payload.foreach);
            let item: unknown;
            try {
              item = frame?.item ? loadValue(store.blobs, frame.item) : undefined;
            } catch {
              item = '(item not loadable)';
            }
            return {
              pathspec: `${run.flow}/${run.runId}/${String(e.payload.step)}/${String(e.payload.taskId)}`,
              foreach: String(e.payload.foreach),
              index: Number(e.payload.index),
              item,
              attempts: (task?.attempts ?? []).length,
              error: task?.error ? `${task.error.type}: ${task.error.message}` : String(e.payload.error),
            };
          }),
        );
        if (options.json) context.out(`${JSON.stringify(rows, null, 2)}\n`);
        else if (rows.length === 0) context.out(`no dead letters in ${spec}\n`);
        else {
          context.out(
            table(
              ['task', 'item', 'attempts', 'error'],
              rows.map((r) => [r.pathspec, `${r.foreach}[${r.index}] ${inspect(r.item, { depth: 2, breakLength: Infinity }).slice(0, 60)}`, String(r.attempts), r.error.slice(0, 120)]),
            ),
          );
          context.out(`\nre-run them: sluice resume ${spec} --only-failed\n`);
        }
      } finally {
        await store.close();
      }
    });
}
