/**
 * Renders an analysed flow graph for people: plain text (steps, transitions, options) and
 * Mermaid (`flowchart TD`), plus a JSON-safe data form. Used by `sluice show` and the UI.
 */
import type { FlowGraph, StepNode, Transition } from './graph.js';
import type { ParamSpecs } from './params.js';

/** What the graph does not carry but a rendering may show. */
export interface RenderExtras {
  /** The flow's declared parameters. */
  readonly params?: ParamSpecs;
  /** The flow's description. */
  readonly doc?: string;
}

/** Option keys shown by the transition line instead of the options list. */
const TRANSITION_KEYS = new Set(['next', 'switch', 'doc']);

/** The step's options other than its transition and doc, in declaration order. */
function extraOptions(node: StepNode): [string, unknown][] {
  return Object.entries(node.definition.options as Record<string, unknown>).filter(([k, v]) => !TRANSITION_KEYS.has(k) && v !== undefined);
}

/** `times=3, backoff=exponential`; nested objects in braces, functions by name. */
function formatOption(value: unknown): string {
  if (typeof value === 'function') return `<function${value.name ? ` ${value.name}` : ''}>`;
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return `[${value.map(formatOption).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v !== null && typeof v === 'object' && !Array.isArray(v) ? `{${formatOption(v)}}` : formatOption(v)}`)
      .join(', ');
  }
  if (typeof value === 'string') return /^[\w.:/-]+$/.test(value) ? value : JSON.stringify(value);
  return String(value);
}

function kindLabel(node: StepNode, graph: FlowGraph): string {
  if (node.kind === 'foreach') return `foreach over '${node.over}'`;
  if (node.kind === 'join') {
    const split = node.closes ? graph.splits.get(node.closes) : undefined;
    if (!split) return 'join';
    return split.kind === 'foreach' ? `join of foreach '${split.step}'` : `join of the branch from '${split.step}'`;
  }
  return 'step';
}

function arrow(graph: FlowGraph, target: string): string {
  const node = graph.steps.get(target);
  return node?.kind === 'foreach' ? `${target} (one task per item of '${node.over}')` : target;
}

function transitionLines(graph: FlowGraph, t: Transition): string[] {
  switch (t.type) {
    case 'end':
      return ['(end of flow)'];
    case 'linear':
      return [`→ ${arrow(graph, t.target)}`];
    case 'branch':
      return [`→ branch: ${t.targets.map((target) => arrow(graph, target)).join(' | ')}`];
    case 'switch': {
      const lines = [`switch on '${t.on}'${t.maxIterations !== undefined ? ` (maxIterations ${t.maxIterations})` : ''}:`];
      for (const [value, target] of Object.entries(t.cases)) {
        const loop = t.backEdges.includes(target) ? ' (loops back)' : '';
        lines.push(`  ${JSON.stringify(value)} → ${arrow(graph, target)}${loop}`);
      }
      return lines;
    }
  }
}

function describeDefault(spec: ParamSpecs[string]): string {
  if (!('default' in spec) || spec.default === undefined) return 'required';
  if (typeof spec.default === 'function') return 'default computed at run start';
  return `default ${JSON.stringify(spec.default) ?? String(spec.default)}`;
}

/** Plain-text rendering: params, then each step with its kind, transition and options. */
export function renderText(graph: FlowGraph, extras: RenderExtras = {}): string {
  const lines: string[] = [`Flow ${graph.flow}`];
  if (extras.doc) lines.push(`  ${extras.doc}`);
  const params = Object.entries(extras.params ?? {});
  if (params.length > 0) {
    lines.push('', 'Params');
    const width = Math.max(...params.map(([name]) => name.length));
    for (const [name, spec] of params) {
      const help = spec.help ? ` — ${spec.help}` : '';
      lines.push(`  ${name.padEnd(width)}  ${spec.kind}, ${describeDefault(spec)} (${spec.describe})${help}`);
    }
  }
  lines.push('', `Steps (${graph.order.length})`);
  const width = Math.max(...graph.order.map((name) => name.length));
  for (const name of graph.order) {
    const node = graph.steps.get(name)!;
    lines.push(`  ${name.padEnd(width)}  [${kindLabel(node, graph)}]`);
    if (node.definition.options.doc) lines.push(`      ${node.definition.options.doc}`);
    for (const line of transitionLines(graph, node.transition)) lines.push(`      ${line}`);
    for (const [key, value] of extraOptions(node)) lines.push(`      ${key}: ${formatOption(value)}`);
  }
  return lines.join('\n');
}

// ---- Mermaid ----

/** Escapes label text for a quoted Mermaid label ('#' starts an entity, so it is escaped too). */
function mermaidText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** Node ids: `s_<name>` ('-' → '_'; `end` is reserved in Mermaid), numbered on a clash. */
function mermaidIds(order: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  order.forEach((name, i) => {
    let id = `s_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    if (used.has(id)) id = `${id}_${i}`;
    used.add(id);
    ids.set(name, id);
  });
  return ids;
}

function mermaidNode(node: StepNode, id: string): string {
  const label = (parts: string[]): string => `"${parts.map(mermaidText).join('<br/>')}"`;
  const t = node.transition;
  const parts = [node.name, ...(t.type === 'switch' ? [`switch on ${t.on}`] : [])];
  if (node.name === 'start' || node.name === 'end') return `${id}([${label(parts)}])`;
  if (node.kind === 'foreach') return `${id}[[${label([...parts.slice(0, 1), `foreach over ${node.over}`, ...parts.slice(1)])}]]`;
  if (node.kind === 'join') return `${id}{{${label([...parts.slice(0, 1), 'join', ...parts.slice(1)])}}}`;
  if (t.type === 'switch') return `${id}{${label(parts)}}`;
  return `${id}[${label(parts)}]`;
}

/**
 * Mermaid `flowchart TD`: foreach fan-out edges are labelled with the list, switch edges with
 * their case values, and loop back-edges are dashed (with the iteration bound).
 */
export function renderMermaid(graph: FlowGraph): string {
  const ids = mermaidIds(graph.order);
  const lines = ['flowchart TD'];
  for (const name of graph.order) lines.push(`  ${mermaidNode(graph.steps.get(name)!, ids.get(name)!)}`);
  const edge = (from: string, to: string, labels: string[], dashed: boolean): void => {
    const target = graph.steps.get(to);
    if (target?.kind === 'foreach') labels.push(`foreach over ${target.over}`);
    const link = dashed ? '-.->' : '-->';
    const text = labels.length > 0 ? `|"${mermaidText(labels.join(': '))}"|` : '';
    lines.push(`  ${ids.get(from)} ${link}${text} ${ids.get(to)}`);
  };
  for (const name of graph.order) {
    const t = graph.steps.get(name)!.transition;
    if (t.type === 'linear') edge(name, t.target, [], false);
    else if (t.type === 'branch') for (const target of t.targets) edge(name, target, [], false);
    else if (t.type === 'switch') {
      // One edge per target, listing every case value that leads there.
      const byTarget = new Map<string, string[]>();
      for (const [value, target] of Object.entries(t.cases)) {
        byTarget.set(target, [...(byTarget.get(target) ?? []), value.trim() === value && value !== '' ? value : JSON.stringify(value)]);
      }
      for (const [target, values] of byTarget) {
        const back = t.backEdges.includes(target);
        const bound = back && t.maxIterations !== undefined ? ` (max ${t.maxIterations})` : '';
        edge(name, target, [`${values.join(', ')}${bound}`], back);
      }
    }
  }
  return lines.join('\n');
}

// ---- data ----

/** Replaces what JSON cannot carry in options (functions, RegExps) with readable strings. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'function') return `<function${value.name ? ` ${value.name}` : ''}>`;
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

/** The graph as plain JSON-safe data (for `sluice show --format json` and the UI). */
export function graphData(graph: FlowGraph, extras: RenderExtras = {}): Record<string, unknown> {
  return {
    flow: graph.flow,
    doc: extras.doc ?? null,
    params: Object.entries(extras.params ?? {}).map(([name, spec]) => ({
      name,
      kind: spec.kind,
      describe: spec.describe,
      help: spec.help ?? null,
      default: typeof spec.default === 'function' ? null : jsonSafe(spec.default ?? null),
      computedDefault: typeof spec.default === 'function',
    })),
    steps: graph.order.map((name) => {
      const node = graph.steps.get(name)!;
      return {
        name,
        kind: node.kind,
        over: node.over ?? null,
        doc: node.definition.options.doc ?? null,
        parents: node.parents,
        context: node.context,
        closes: node.closes ?? null,
        transition: jsonSafe(node.transition),
        options: jsonSafe(Object.fromEntries(extraOptions(node))),
      };
    }),
    splits: [...graph.splits.values()].map((split) => ({ ...split })),
  };
}
