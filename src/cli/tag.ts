/**
 * `sluice tag add|remove|list <Flow/RunId> [tags...]`: a run's user tags. Empty tags, tags over
 * 500 characters and system tags (`user:…`, `runtime:…`) are refused with exit code 2.
 */
import type { Command } from 'commander';
import type { RunHandle } from '../client/run.js';
import { toJson, withClient, type CliContext } from './format.js';

function show(context: CliContext, run: RunHandle, json: boolean | undefined): void {
  if (json) {
    context.out(`${toJson({ run: run.pathspec, tags: run.tags, systemTags: run.systemTags })}\n`);
    return;
  }
  context.out(`${run.pathspec}\n  tags         ${run.tags.join(', ') || '(none)'}\n  system tags  ${run.systemTags.join(', ')}\n`);
}

export function register(program: Command, context: CliContext): void {
  const tag = program.command('tag').description("add, remove or list a run's tags");
  tag
    .command('add')
    .description('add user tags to a run')
    .argument('<run>', 'run pathspec Flow/RunId')
    .argument('<tags...>', 'tags to add')
    .option('--json', 'print the resulting tags as JSON')
    .action(async (pathspec: string, tags: string[], options: { json?: boolean }) => {
      await withClient(context, async (client) => show(context, await (await client.run(pathspec)).addTags(tags), options.json));
    });
  tag
    .command('remove')
    .description('remove user tags from a run (system tags cannot be removed)')
    .argument('<run>', 'run pathspec Flow/RunId')
    .argument('<tags...>', 'tags to remove')
    .option('--json', 'print the resulting tags as JSON')
    .action(async (pathspec: string, tags: string[], options: { json?: boolean }) => {
      await withClient(context, async (client) => show(context, await (await client.run(pathspec)).removeTags(tags), options.json));
    });
  tag
    .command('list')
    .description("list a run's user and system tags")
    .argument('<run>', 'run pathspec Flow/RunId')
    .option('--json', 'print the tags as JSON')
    .action(async (pathspec: string, options: { json?: boolean }) => {
      await withClient(context, async (client) => show(context, await client.run(pathspec), options.json));
    });
}
