/**
 * `sluice show <flow.ts> [--format text|mermaid|json]`: the flow's graph — steps, edges,
 * options — validated first. An invalid flow prints its problem list and exits 2.
 */
import type { Command } from 'commander';
import { analyzeFlow, FlowValidationError } from '../flow/graph.js';
import { graphData, renderMermaid, renderText } from '../flow/render.js';
import { FlowLoadError, loadFlowFile } from '../runtime/loader.js';
import { CliUsageError, oneLine, toJson, type CliContext } from './format.js';

const FORMATS = ['text', 'mermaid', 'json'] as const;
type Format = (typeof FORMATS)[number];

export function register(program: Command, context: CliContext): void {
  program
    .command('show')
    .description("print a flow's graph (steps, edges, options) without running it")
    .argument('<flow>', 'flow file (.ts or .js)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .action(async (file: string, options: { format: string }) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) {
        throw new CliUsageError(`--format must be one of ${FORMATS.join(', ')}, got '${options.format}'`);
      }
      const format = options.format as Format;
      let loaded;
      try {
        loaded = await loadFlowFile(file);
      } catch (error) {
        if (error instanceof FlowLoadError) throw new CliUsageError(oneLine(error.message));
        throw error;
      }
      const { flow } = loaded;
      let graph;
      try {
        graph = analyzeFlow(flow);
      } catch (error) {
        if (!(error instanceof FlowValidationError)) throw error;
        context.err(`sluice show: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const extras = { params: flow.params, doc: flow.doc };
      const text = format === 'text' ? renderText(graph, extras) : format === 'mermaid' ? renderMermaid(graph) : toJson(graphData(graph, extras));
      context.out(`${text}\n`);
    });
}
