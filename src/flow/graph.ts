/**
 * Static analysis of a flow: resolves every transition, finds which split each join closes, and
 * rejects malformed graphs before anything runs — with messages naming the steps involved.
 */
import type { Flow } from './builder.js';
import { optionProblems } from './options.js';
import type { StepDefinition, StepKind } from './types.js';

export type Transition =
  | { readonly type: 'end' }
  | { readonly type: 'linear'; readonly target: string }
  | { readonly type: 'branch'; readonly targets: readonly string[] }
  | {
      readonly type: 'switch';
      readonly on: string;
      readonly cases: Readonly<Record<string, string>>;
      readonly maxIterations: number | undefined;
      /** Case targets that loop back to an earlier step. */
      readonly backEdges: readonly string[];
    };

/** A split the graph opens: a static branch (opened by a step) or a foreach (opened into a foreach step). */
export interface SplitInfo {
  readonly key: string;
  readonly kind: 'branch' | 'foreach';
  /** Branch: the step whose `next` lists the branches. Foreach: the foreach step. */
  readonly step: string;
  /** The join that closes it. */
  readonly join: string;
}

export interface StepNode {
  readonly name: string;
  readonly kind: StepKind;
  readonly over: string | undefined;
  readonly definition: StepDefinition;
  readonly transition: Transition;
  readonly parents: readonly string[];
  /** Open splits around this step, outermost first (e.g. `foreach:train`, `branch:start#0`). */
  readonly context: readonly string[];
  /** For joins: the split key it closes. */
  readonly closes: string | undefined;
}

export interface FlowGraph {
  readonly flow: string;
  readonly steps: ReadonlyMap<string, StepNode>;
  readonly order: readonly string[];
  readonly splits: ReadonlyMap<string, SplitInfo>;
}

/** A flow whose graph is malformed. `problems` has one line per problem. */
export class FlowValidationError extends Error {
  override readonly name = 'FlowValidationError';
  readonly problems: readonly string[];
  constructor(flow: string, problems: readonly string[]) {
    super(`flow ${flow} is not valid:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

function rawTargets(def: StepDefinition, defs: readonly StepDefinition[]): string[] {
  const { next, switch: sw } = def.options;
  if (sw) return Object.values(sw.cases);
  if (next !== undefined) return typeof next === 'string' ? [next] : [...next];
  if (def.name === 'end') return [];
  const following = defs[def.position + 1];
  return following ? [following.name] : [];
}

function splitKeyOf(entry: string): string {
  const hash = entry.indexOf('#');
  return hash < 0 ? entry : entry.slice(0, hash);
}

/** Analyses and validates a flow; throws {@link FlowValidationError} listing every problem found. */
export function analyzeFlow(flow: Flow<any, any, any>): FlowGraph {
  const problems: string[] = [...flow.buildErrors];
  const defs = flow.steps;
  const byName = new Map<string, StepDefinition>();
  for (const def of defs) if (!byName.has(def.name)) byName.set(def.name, def);

  if (!byName.has('start')) problems.push("missing a 'start' step: every flow begins at a step named 'start'");
  if (!byName.has('end')) problems.push("missing an 'end' step: every flow finishes at a step named 'end'");
  if (byName.get('start')?.kind !== undefined && byName.get('start')?.kind !== 'step') {
    problems.push("step 'start' must be a plain step (not a foreach or join)");
  }

  const targets = new Map<string, string[]>();
  for (const def of byName.values()) {
    const list = rawTargets(def, defs);
    const { next, switch: sw } = def.options;
    if (next !== undefined && sw) problems.push(`step '${def.name}' sets both 'next' and 'switch'; use one`);
    if (sw && Object.keys(sw.cases).length === 0) problems.push(`step '${def.name}': switch on '${sw.on}' has no cases`);
    if (sw?.maxIterations !== undefined && (!Number.isInteger(sw.maxIterations) || sw.maxIterations < 1)) {
      problems.push(`step '${def.name}': switch maxIterations must be a positive integer, got ${sw.maxIterations}`);
    }
    if (def.name === 'end' && list.length > 0) problems.push(`step 'end' must not have a next step (it has ${list.join(', ')})`);
    if (def.name !== 'end' && list.length === 0) {
      problems.push(`step '${def.name}' has no next step: give it 'next', or declare a step after it`);
    }
    problems.push(...optionProblems(def));
    if (def.kind === 'foreach' && (!def.over || typeof def.over !== 'string')) {
      problems.push(`foreach step '${def.name}' needs 'over': the name of a list artifact`);
    }
    if (new Set(list).size !== list.length && !sw) problems.push(`step '${def.name}' lists the same next step twice`);
    for (const target of list) {
      if (!byName.has(target)) {
        const known = [...byName.keys()].join(', ');
        problems.push(`step '${def.name}' goes to unknown step '${target}' (steps: ${known})`);
      }
    }
    targets.set(def.name, list.filter((t) => byName.has(t)));
  }

  // Find back-edges with a DFS from start; only bounded switch cases may close a cycle.
  const backEdges = new Map<string, Set<string>>();
  const reachable = new Set<string>();
  if (byName.has('start')) {
    const onStack = new Set<string>();
    const visit = (name: string): void => {
      reachable.add(name);
      onStack.add(name);
      for (const target of targets.get(name) ?? []) {
        if (onStack.has(target)) {
          const sw = byName.get(name)!.options.switch;
          if (!sw) problems.push(`cycle: step '${name}' goes back to '${target}'; loops must be a switch case with maxIterations`);
          else if (sw.maxIterations === undefined) {
            problems.push(`step '${name}': switch case to '${target}' loops back, so the switch needs maxIterations`);
          }
          if (!backEdges.has(name)) backEdges.set(name, new Set());
          backEdges.get(name)!.add(target);
        } else if (!reachable.has(target)) visit(target);
      }
      onStack.delete(name);
    };
    visit('start');
    for (const name of byName.keys()) {
      if (!reachable.has(name)) problems.push(`step '${name}' is unreachable from 'start'`);
    }
  }

  // Propagate split contexts in topological order over forward edges.
  const forward = (name: string): string[] => (targets.get(name) ?? []).filter((t) => !backEdges.get(name)?.has(t));
  const parents = new Map<string, string[]>();
  for (const name of reachable) for (const t of forward(name)) parents.set(t, [...(parents.get(t) ?? []), name]);
  const allParents = new Map<string, string[]>();
  for (const name of reachable) for (const t of targets.get(name) ?? []) allParents.set(t, [...(allParents.get(t) ?? []), name]);

  const incoming = new Map<string, { from: string; context: string[] }[]>();
  const contexts = new Map<string, string[]>();
  const closes = new Map<string, string>();
  const splits = new Map<string, SplitInfo>();
  const pending = new Map<string, number>();
  for (const name of reachable) pending.set(name, (parents.get(name) ?? []).length);
  const ready = byName.has('start') ? ['start'] : [];
  if (ready.length) contexts.set('start', []);
  const order: string[] = [];

  const arrive = (from: string, target: string, context: string[]): void => {
    incoming.set(target, [...(incoming.get(target) ?? []), { from, context }]);
    const left = (pending.get(target) ?? 1) - 1;
    pending.set(target, left);
    if (left === 0) ready.push(target);
  };

  while (ready.length > 0) {
    const name = ready.shift()!;
    const def = byName.get(name)!;
    order.push(name);
    if (name !== 'start') {
      const arrivals = incoming.get(name) ?? [];
      const context = resolveContext(def, arrivals, splits, closes, problems, (opener) => forward(opener).length);
      if (!context) continue;
      contexts.set(name, context);
    }
    const context = contexts.get(name)!;
    const outs = forward(name);
    const isBranch = !def.options.switch && outs.length > 1;
    if (isBranch) {
      const key = `branch:${name}`;
      outs.forEach((target, i) => {
        const entry = [...context, `${key}#${i}`];
        arrive(name, target, byName.get(target)?.kind === 'foreach' ? [...entry, `foreach:${target}`] : entry);
      });
    } else {
      for (const target of outs) {
        arrive(name, target, byName.get(target)?.kind === 'foreach' ? [...context, `foreach:${target}`] : context);
      }
    }
  }

  for (const name of reachable) {
    if (!order.includes(name) && problems.length === 0) {
      problems.push(`step '${name}' could not be placed in the graph (its parents never complete: ${(parents.get(name) ?? []).join(', ')})`);
    }
  }
  const endContext = contexts.get('end');
  if (endContext && endContext.length > 0) {
    problems.push(`${describeSplit(splitKeyOf(endContext[endContext.length - 1]!))} is never joined before 'end'`);
  }
  for (const [from, set] of backEdges) {
    for (const to of set) {
      const a = contexts.get(from);
      const b = contexts.get(to);
      if (a && b && a.join('|') !== b.join('|')) {
        problems.push(`step '${from}' loops back to '${to}' across a split boundary; a loop must stay inside one branch or foreach level`);
      }
    }
  }

  if (problems.length > 0) throw new FlowValidationError(flow.name, [...new Set(problems)]);

  const steps = new Map<string, StepNode>();
  for (const name of order) {
    const def = byName.get(name)!;
    steps.set(name, {
      name,
      kind: def.kind,
      over: def.over,
      definition: def,
      transition: transitionOf(def, targets.get(name) ?? [], backEdges.get(name)),
      parents: allParents.get(name) ?? [],
      context: contexts.get(name) ?? [],
      closes: closes.get(name),
    });
  }
  return { flow: flow.name, steps, order, splits };
}

function describeSplit(key: string): string {
  const [kind, step] = key.split(':') as [string, string];
  return kind === 'foreach' ? `the foreach over step '${step}'` : `the branch opened by step '${step}'`;
}

function resolveContext(
  def: StepDefinition,
  arrivals: readonly { from: string; context: string[] }[],
  splits: Map<string, SplitInfo>,
  closes: Map<string, string>,
  problems: string[],
  branchWidth: (opener: string) => number,
): string[] | undefined {
  const name = def.name;
  if (def.kind !== 'join') {
    const first = arrivals[0]!;
    for (const other of arrivals.slice(1)) {
      if (other.context.join('|') !== first.context.join('|')) {
        const splitHint = other.context.find((e) => e.includes('#')) ?? first.context.find((e) => e.includes('#'));
        problems.push(
          `step '${name}' is reached from '${first.from}' and '${other.from}' in different ${
            splitHint ? describeSplit(splitKeyOf(splitHint)).replace(/^the /, '') + ' paths' : 'split contexts'
          } but is not a join: declare it with .join()` +
            " (steps without 'next' continue to the next declared step — is a 'next' missing?)",
        );
        return undefined;
      }
    }
    return first.context;
  }
  // A join closes the innermost split shared by all its parents.
  const tops = arrivals.map((a) => a.context[a.context.length - 1]);
  if (tops.some((t) => t === undefined)) {
    problems.push(`join '${name}' joins nothing: its parent${arrivals.length > 1 ? 's' : ''} ${arrivals.map((a) => `'${a.from}'`).join(', ')} are not inside a branch or foreach`);
    return undefined;
  }
  const keys = new Set(tops.map((t) => splitKeyOf(t!)));
  const outers = new Set(arrivals.map((a) => a.context.slice(0, -1).join('|')));
  if (keys.size > 1 || outers.size > 1) {
    problems.push(
      `join '${name}' joins unrelated paths: ${arrivals.map((a) => `'${a.from}' (inside ${describeSplit(splitKeyOf(a.context[a.context.length - 1] ?? 'none:?'))})`).join(', ')}; a join must close one split`,
    );
    return undefined;
  }
  const key = [...keys][0]!;
  const existing = splits.get(key);
  if (existing && existing.join !== name) {
    problems.push(`${describeSplit(key)} is joined twice: by '${existing.join}' and '${name}'`);
    return undefined;
  }
  if (key.startsWith('branch:')) {
    // Every branch must arrive (possibly through alternative switch paths).
    const seen = new Set(tops.map((t) => Number(t!.split('#')[1])));
    const opener = key.slice('branch:'.length);
    const width = branchWidth(opener);
    for (let i = 0; i < width; i++) {
      if (!seen.has(i)) problems.push(`join '${name}' does not receive branch ${i} of step '${opener}'`);
    }
    splits.set(key, { key, kind: 'branch', step: opener, join: name });
  } else {
    splits.set(key, { key, kind: 'foreach', step: key.slice('foreach:'.length), join: name });
  }
  closes.set(name, key);
  return arrivals[0]!.context.slice(0, -1);
}

function transitionOf(def: StepDefinition, targets: readonly string[], back: Set<string> | undefined): Transition {
  const sw = def.options.switch;
  if (sw) {
    return { type: 'switch', on: sw.on, cases: sw.cases, maxIterations: sw.maxIterations, backEdges: [...(back ?? [])] };
  }
  if (targets.length === 0) return { type: 'end' };
  if (targets.length === 1) return { type: 'linear', target: targets[0]! };
  return { type: 'branch', targets };
}
