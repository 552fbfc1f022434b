/**
 * The graph walk: given a finished task, which tasks come next. Pure bookkeeping (no I/O besides
 * reading foreach item manifests): creates tasks for linear steps, one task per foreach item,
 * one per branch, follows switches (counting loop iterations), and releases a join once every
 * path of the split it closes has arrived.
 */
import type { FlowGraph, StepNode } from '../flow/graph.js';
import { decodeValue } from '../store/codecs.js';
import type { ArtifactStore, FrameRecord } from '../store/types.js';
import { ITEMS_CODEC, loadItemPointers, readPointerBytes } from '../store/values.js';
import type { ArtifactMap, JoinFailureSpec, JoinInputSpec } from './protocol.js';

export interface PlannedTask {
  readonly taskId: number;
  readonly step: string;
  readonly stack: readonly FrameRecord[];
  readonly parents: readonly number[];
  /** Upstream artifacts (non-joins). */
  readonly artifacts: ArtifactMap;
  readonly joinInputs?: readonly JoinInputSpec[];
  readonly joinFailures?: readonly JoinFailureSpec[];
  /** Back-edge counts per switch step along this task's lineage. */
  readonly loops: Readonly<Record<string, number>>;
}

/** What a finished task hands to the walk. */
export interface FinishedTask {
  readonly taskId: number;
  readonly step: string;
  readonly stack: readonly FrameRecord[];
  readonly loops: Readonly<Record<string, number>>;
  /** Everything visible after the task: inherited (non-joins) plus its own outputs. */
  readonly visible: ArtifactMap;
}

/** A transition that cannot be taken; the finished task is failed with this message. */
export class TransitionError extends Error {
  override readonly name = 'TransitionError';
}

interface JoinWait {
  readonly count: number;
  readonly arrivals: Map<number, JoinInputSpec>;
  readonly failures: Map<number, JoinFailureSpec>;
  readonly stack: readonly FrameRecord[];
}

export class GraphWalker {
  private nextTaskId = 0;
  private readonly waits = new Map<string, JoinWait>();

  constructor(
    private readonly graph: FlowGraph,
    private readonly blobs: ArtifactStore,
  ) {}

  /** The first task of the run. */
  start(): PlannedTask {
    return { taskId: ++this.nextTaskId, step: 'start', stack: [], parents: [], artifacts: {}, loops: {} };
  }

  /** Joins still waiting for arrivals (a run that ends with some is a bug or a failure). */
  pendingJoins(): number {
    return this.waits.size;
  }

  /** Tasks that follow a finished task. Throws {@link TransitionError} when the transition is impossible. */
  next(task: FinishedTask): PlannedTask[] {
    const node = this.node(task.step);
    const t = node.transition;
    const out: PlannedTask[] = [];
    switch (t.type) {
      case 'end':
        return out;
      case 'linear':
        this.enter(t.target, task, task.stack, task.loops, out);
        return out;
      case 'branch':
        t.targets.forEach((target, index) => {
          const frame: FrameRecord = {
            splitStep: task.step,
            splitTaskId: task.taskId,
            kind: 'branch',
            step: target,
            index,
            count: t.targets.length,
          };
          this.enter(target, task, [...task.stack, frame], task.loops, out);
        });
        return out;
      case 'switch': {
        const pointer = task.visible[t.on];
        if (!pointer) {
          throw new TransitionError(`step '${task.step}' switches on artifact '${t.on}', but it did not set it`);
        }
        const value = this.readSwitchValue(task.step, t.on, pointer);
        const target = t.cases[value];
        if (target === undefined) {
          throw new TransitionError(
            `step '${task.step}': switch value ${JSON.stringify(value)} of '${t.on}' matches no case (cases: ${Object.keys(t.cases)
              .map((k) => JSON.stringify(k))
              .join(', ')})`,
          );
        }
        let loops = task.loops;
        if (t.backEdges.includes(target)) {
          const taken = (loops[task.step] ?? 0) + 1;
          if (t.maxIterations !== undefined && taken > t.maxIterations) {
            throw new TransitionError(
              `step '${task.step}' looped back to '${target}' more than maxIterations (${t.maxIterations}) times; raise maxIterations or fix the loop's exit condition`,
            );
          }
          loops = { ...loops, [task.step]: taken };
        }
        this.enter(target, task, task.stack, loops, out);
        return out;
      }
    }
  }

  private node(step: string): StepNode {
    const node = this.graph.steps.get(step);
    if (!node) throw new TransitionError(`unknown step '${step}'`);
    return node;
  }

  private readSwitchValue(step: string, name: string, pointer: ArtifactMap[string]): string {
    if (pointer.codec !== 'v8' && pointer.codec !== 'json') {
      throw new TransitionError(`step '${step}': switch artifact '${name}' must be a string, number or boolean (got ${pointer.type})`);
    }
    // Switch values are tiny scalars: decode them here rather than ship them separately.
    const value = decodeScalar(this.blobs, pointer);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TransitionError(`step '${step}': switch artifact '${name}' must be a string, number or boolean (got ${pointer.type})`);
    }
    return String(value);
  }

  private enter(
    target: string,
    from: FinishedTask,
    stack: readonly FrameRecord[],
    loops: Readonly<Record<string, number>>,
    out: PlannedTask[],
  ): void {
    const node = this.node(target);
    if (node.kind === 'join') {
      this.arrive(node, from, stack, loops, out);
      return;
    }
    if (node.kind === 'foreach') {
      const over = node.over!;
      const pointer = from.visible[over];
      if (!pointer) {
        throw new TransitionError(
          `step '${from.step}' is followed by foreach '${target}' over '${over}', but no artifact '${over}' is visible after it (visible: ${
            Object.keys(from.visible).join(', ') || 'none'
          })`,
        );
      }
      if (pointer.codec !== ITEMS_CODEC) {
        throw new TransitionError(`foreach '${target}' is over '${over}', which must be an array; it is ${pointer.type}`);
      }
      const items = loadItemPointers(this.blobs, pointer);
      if (items.length === 0) {
        // Nothing to fan out: the matching join runs at once with no inputs.
        const join = this.graph.splits.get(`foreach:${target}`)!.join;
        out.push({ taskId: ++this.nextTaskId, step: join, stack, parents: [from.taskId], artifacts: {}, joinInputs: [], loops });
        return;
      }
      items.forEach((item, index) => {
        const frame: FrameRecord = {
          splitStep: from.step,
          splitTaskId: from.taskId,
          kind: 'foreach',
          step: target,
          index,
          count: items.length,
          item,
        };
        out.push({ taskId: ++this.nextTaskId, step: target, stack: [...stack, frame], parents: [from.taskId], artifacts: from.visible, loops });
      });
      return;
    }
    out.push({ taskId: ++this.nextTaskId, step: target, stack, parents: [from.taskId], artifacts: from.visible, loops });
  }

  /**
   * Records a failed foreach item (under onFailure 'continue') as an arrival at the join of the
   * foreach whose frame is `frame`; returns the join task when that completes the split.
   */
  failed(task: { taskId: number; step: string; stack: readonly FrameRecord[]; loops: Readonly<Record<string, number>> }, frame: FrameRecord, error: JoinFailureSpec['error']): PlannedTask[] {
    const depth = task.stack.indexOf(frame);
    const join = this.node(this.graph.splits.get(`foreach:${frame.step}`)!.join);
    const wait = this.waitFor(join.name, frame, task.stack.slice(0, depth));
    wait.failures.set(frame.index, { index: frame.index, step: task.step, taskId: task.taskId, error, item: frame.item });
    const out: PlannedTask[] = [];
    this.release(join, `${join.name}:${frame.splitTaskId}`, wait, task.loops, out);
    return out;
  }

  private waitFor(join: string, top: FrameRecord, outer: readonly FrameRecord[]): JoinWait {
    const key = `${join}:${top.splitTaskId}`;
    let wait = this.waits.get(key);
    if (!wait) {
      wait = { count: top.count, arrivals: new Map(), failures: new Map(), stack: outer };
      this.waits.set(key, wait);
    }
    return wait;
  }

  private arrive(
    join: StepNode,
    from: FinishedTask,
    stack: readonly FrameRecord[],
    loops: Readonly<Record<string, number>>,
    out: PlannedTask[],
  ): void {
    const top = stack[stack.length - 1];
    if (!top) throw new TransitionError(`join '${join.name}' reached from '${from.step}' outside any split`);
    const wait = this.waitFor(join.name, top, stack.slice(0, -1));
    wait.arrivals.set(top.index, { step: from.step, index: top.index, taskId: from.taskId, artifacts: from.visible });
    this.release(join, `${join.name}:${top.splitTaskId}`, wait, loops, out);
  }

  private release(join: StepNode, key: string, wait: JoinWait, loops: Readonly<Record<string, number>>, out: PlannedTask[]): void {
    const failedOnly = [...wait.failures.keys()].filter((i) => !wait.arrivals.has(i)).length;
    if (wait.arrivals.size + failedOnly < wait.count) return;
    this.waits.delete(key);
    const inputs = [...wait.arrivals.values()].sort((a, b) => a.index - b.index);
    const failures = [...wait.failures.values()].filter((f) => !wait.arrivals.has(f.index)).sort((a, b) => a.index - b.index);
    // Loop counters of the paths are not carried past a join: loops stay within one split level.
    const outerLoops = Object.fromEntries(Object.entries(loops).filter(([step]) => this.node(step).context.length < join.context.length + 1));
    out.push({
      taskId: ++this.nextTaskId,
      step: join.name,
      stack: wait.stack,
      parents: [...inputs.map((i) => i.taskId), ...failures.map((f) => f.taskId)],
      artifacts: {},
      joinInputs: inputs,
      ...(failures.length > 0 || wait.failures.size > 0 ? { joinFailures: failures } : {}),
      loops: outerLoops,
    });
  }
}

function decodeScalar(blobs: ArtifactStore, pointer: ArtifactMap[string]): unknown {
  // Switch values are small: usually inline in the pointer rather than a blob.
  return decodeValue(pointer.codec, readPointerBytes(blobs, pointer));
}
