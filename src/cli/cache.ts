/**
 * `sluice cache ls|clear [--flow F] [--step S]`: the step cache — finished tasks whose outputs a
 * later run may reuse — and forgetting entries (the runs themselves stay).
 */
import type { Command } from 'commander';
import { openStore } from '../store/home.js';
import { table, type CliContext } from './format.js';

interface CacheOptions {
  flow?: string;
  step?: string;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  const cache = program.command('cache').description('inspect or clear the step cache');
  cache
    .command('ls')
    .description('list cache entries, newest first')
    .option('--flow <flow>', 'only this flow')
    .option('--step <step>', 'only this step')
    .option('--json', 'print JSON')
    .action(async (options: CacheOptions) => {
      const store = openStore(context.home());
      try {
        const entries = await store.meta.listCached({ flow: options.flow, step: options.step, limit: 1000 });
        const rows = entries.map((t) => ({ key: t.cacheKey!.slice(0, 16), task: `${t.flow}/${t.runId}/${t.step}/${t.taskId}`, ended: t.endedAt }));
        if (options.json) context.out(`${JSON.stringify(rows, null, 2)}\n`);
        else if (rows.length === 0) context.out('the step cache is empty\n');
        else context.out(table(['key', 'task', 'finished'], rows.map((r) => [r.key, r.task, r.ended ? new Date(r.ended).toISOString() : '-'])));
      } finally {
        await store.close();
      }
    });
  cache
    .command('clear')
    .description('forget cache entries (runs and artifacts stay)')
    .option('--flow <flow>', 'only this flow')
    .option('--step <step>', 'only this step')
    .action(async (options: CacheOptions) => {
      const store = openStore(context.home());
      try {
        const n = await store.meta.clearCached({ flow: options.flow, step: options.step });
        context.out(`cleared ${n} cache entr${n === 1 ? 'y' : 'ies'}\n`);
      } finally {
        await store.close();
      }
    });
}
