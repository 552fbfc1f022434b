/**
 * The flow graph laid out with dagre: one node per step, coloured by state, with foreach counts
 * (`train 37/40 ✓ 2 running 1 failed`). Nodes are buttons: click or Enter selects a step.
 */
import dagre from '@dagrejs/dagre';
import { useMemo, type KeyboardEvent } from 'react';
import type { Graph, StatusCounts } from '../types';

const NODE_HEIGHT = 50;
const CHAR_WIDTH = 7.4;

export type StepState = 'idle' | 'pending' | 'running' | 'done' | 'failed';

export function total(c: StatusCounts | undefined): number {
  return c ? c.pending + c.running + c.done + c.failed : 0;
}

export function stepState(c: StatusCounts | undefined): StepState {
  if (!c || total(c) === 0) return 'idle';
  if (c.failed > 0) return 'failed';
  if (c.running > 0) return 'running';
  if (c.done === total(c)) return 'done';
  return 'pending';
}

/** `37/40 ✓ 2 running 1 failed` for steps with several tasks; the state for one-task steps. */
export function countsLabel(c: StatusCounts | undefined, many: boolean): string {
  const n = total(c);
  if (!c || n === 0) return 'not started';
  if (!many && n === 1) return { idle: 'not started', pending: 'queued', running: 'running', done: 'done ✓', failed: 'failed ✗' }[stepState(c)];
  const parts = [`${c.done}/${n} ✓`];
  if (c.running > 0) parts.push(`${c.running} running`);
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  return parts.join(' ');
}

interface Laid {
  readonly width: number;
  readonly height: number;
  readonly nodes: { name: string; x: number; y: number; w: number; kind: string }[];
  readonly edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

function layout(graph: Graph): Laid {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 42, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const step of graph.steps) {
    // Wide enough for the name and the longest counts line.
    const w = Math.max(120, Math.ceil(Math.max(step.name.length + 4, 26) * CHAR_WIDTH));
    g.setNode(step.name, { width: w, height: NODE_HEIGHT });
  }
  const names = new Set(graph.steps.map((s) => s.name));
  for (const step of graph.steps) for (const parent of step.parents) if (names.has(parent)) g.setEdge(parent, step.name);
  dagre.layout(g);
  const info = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(info.width ?? 200),
    height: Math.ceil(info.height ?? 100),
    nodes: graph.steps.map((s) => {
      const n = g.node(s.name) as { x: number; y: number; width: number };
      return { name: s.name, x: n.x, y: n.y, w: n.width, kind: s.kind };
    }),
    edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e) as { points: { x: number; y: number }[] }).points })),
  };
}

function path(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

export function Dag({
  graph,
  counts,
  selected,
  onSelect,
}: {
  readonly graph: Graph;
  readonly counts: Readonly<Record<string, StatusCounts>>;
  readonly selected: string | null;
  readonly onSelect: (step: string | null) => void;
}) {
  const laid = useMemo(() => layout(graph), [graph]);
  const key = (event: KeyboardEvent, name: string): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(selected === name ? null : name);
    }
  };
  return (
    <div className="dag-wrap">
      <svg className="dag" width={laid.width} height={laid.height} viewBox={`0 0 ${laid.width} ${laid.height}`} role="group" aria-label={`Graph of ${graph.flow}`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="arrowhead" />
          </marker>
        </defs>
        {laid.edges.map((e) => (
          <path key={`${e.from}->${e.to}`} d={path(e.points)} className="edge" markerEnd="url(#arrow)" />
        ))}
        {laid.nodes.map((n) => {
          const c = counts[n.name];
          const state = stepState(c);
          const many = n.kind === 'foreach' || total(c) > 1;
          const label = countsLabel(c, many);
          const kind = n.kind === 'foreach' ? 'foreach' : n.kind === 'join' ? 'join' : '';
          return (
            <g
              key={n.name}
              className={`node state-${state}${selected === n.name ? ' selected' : ''}`}
              transform={`translate(${n.x - n.w / 2},${n.y - NODE_HEIGHT / 2})`}
              role="button"
              tabIndex={0}
              aria-pressed={selected === n.name}
              aria-label={`${n.name} ${label}`}
              data-step={n.name}
              data-state={state}
              onClick={() => onSelect(selected === n.name ? null : n.name)}
              onKeyDown={(e) => key(e, n.name)}
            >
              <rect width={n.w} height={NODE_HEIGHT} rx={n.kind === 'join' ? 14 : 6} className={kind ? `kind-${kind}` : undefined} />
              <text x={10} y={20} className="node-name">
                {n.name}
                {kind && <tspan className="node-kind">{`  ${kind}`}</tspan>}
              </text>
              <text x={10} y={38} className="node-counts" data-counts={n.name}>
                {label}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
