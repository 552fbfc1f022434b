/**
 * `sluice profile <run> [--json] [--workers n] [--history n]`: where a run's time went — per-step
 * totals, the critical path, parallel efficiency, the bottleneck, suggestions, and resource
 * predictions from earlier runs of the flow. `<run>` is `Flow/RunId`, `Flow/latest` or `Flow`.
 */
import type { Command } from 'commander';
import { LATEST } from '../client/pathspec.js';
import { formatProfile, loadRunProfile } from '../runtime/profile/index.js';
import { openStore } from '../store/home.js';
import { parseCount, toJson, withClient, type CliContext } from './format.js';

interface ProfileOptions {
  json?: boolean;
  workers?: string;
  history?: string;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('profile')
    .description("where a run's time went: per-step totals, critical path, parallel efficiency, bottleneck, suggestions")
    .argument('<run>', 'Flow/RunId, Flow/latest, or a flow name (its latest run)')
    .option('--json', 'print the profile as JSON')
    .option('--workers <n>', 'pool size the run used (default: recorded, else the most tasks seen at once)')
    .option('--history <n>', 'earlier successful runs used for resource predictions (default 5)')
    .action(async (spec: string, options: ProfileOptions) => {
      const workers = parseCount('--workers', options.workers, { min: 1 });
      const history = parseCount('--history', options.history);
      const pathspec = spec.includes('/') ? spec : `${spec}/${LATEST}`;
      const record = await withClient(context, async (client) => (await client.run(pathspec)).record);
      const store = openStore(context.home(), { readonly: true });
      try {
        const profile = await loadRunProfile(store.meta, record, { workers, history });
        context.out(`${options.json ? toJson(profile) : formatProfile(profile)}\n`);
      } finally {
        await store.close();
      }
    });
}
