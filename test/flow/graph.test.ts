import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeFlow, flow, FlowValidationError } from '../../src/flow/index.js';

function problems(build: () => ReturnType<typeof flow>): string[] {
  try {
    analyzeFlow(build());
  } catch (error) {
    assert.ok(error instanceof FlowValidationError, String(error));
    return [...error.problems];
  }
  assert.fail('expected the flow to be rejected');
}

const noop = () => ({});

describe('graph validation names the steps involved', () => {
  test('a valid flow resolves transitions, contexts and the splits joins close', () => {
    const graph = analyzeFlow(
      flow('Ok')
        .step('start', () => ({ xs: [1, 2] }), { next: ['a', 'b'] })
        .foreach('a', { over: 'xs' }, noop)
        .join('aj', noop, { next: 'j' })
        .step('b', noop, { next: 'j' })
        .join('j', noop)
        .step('end'),
    );
    assert.deepEqual(graph.order, ['start', 'a', 'b', 'aj', 'j', 'end']);
    assert.deepEqual(graph.steps.get('a')!.context, ['branch:start#0', 'foreach:a']);
    assert.equal(graph.steps.get('aj')!.closes, 'foreach:a');
    assert.equal(graph.steps.get('j')!.closes, 'branch:start');
    assert.deepEqual(graph.steps.get('start')!.transition, { type: 'branch', targets: ['a', 'b'] });
    assert.deepEqual(graph.splits.get('foreach:a'), { key: 'foreach:a', kind: 'foreach', step: 'a', join: 'aj' });
  });

  test('unknown target', () => {
    const found = problems(() => flow('F').step('start', noop, { next: 'nowhere' }).step('end'));
    assert.ok(found.some((p) => p.includes("step 'start' goes to unknown step 'nowhere' (steps: start, end)")), found.join('\n'));
  });

  test('unreachable step', () => {
    const found = problems(() => flow('F').step('start', noop, { next: 'end' }).step('orphan', noop).step('end'));
    assert.ok(found.includes("step 'orphan' is unreachable from 'start'"), found.join('\n'));
  });

  test('missing start or end', () => {
    assert.ok(problems(() => flow('F').step('begin', noop).step('end')).some((p) => p.startsWith("missing a 'start' step")));
    assert.ok(problems(() => flow('F').step('start', noop).step('finish', noop)).some((p) => p.startsWith("missing an 'end' step")));
  });

  test('a foreach never joined', () => {
    const found = problems(() =>
      flow('F')
        .step('start', () => ({ xs: [1] }))
        .foreach('each', { over: 'xs' }, noop)
        .step('end'),
    );
    assert.ok(found.some((p) => p.includes("the foreach over step 'each' is never joined before 'end'")), found.join('\n'));
  });

  test('a branch never joined', () => {
    const found = problems(() => flow('F').step('start', noop, { next: ['a', 'end'] }).step('a', noop, { next: 'end' }).step('end'));
    assert.ok(found.some((p) => p.includes("step 'end' is reached from 'start' and 'a'")), found.join('\n'));
  });

  test('a join of unrelated branches', () => {
    const found = problems(() =>
      flow('F')
        .step('start', noop, { next: ['a', 'b'] })
        .step('a', noop, { next: ['a1', 'a2'] })
        .step('a1', noop, { next: 'j' })
        .step('a2', noop, { next: 'ja' })
        .join('ja', noop, { next: 'j' })
        .step('b', noop, { next: 'j' })
        .join('j', noop)
        .step('end'),
    );
    assert.ok(found.some((p) => p.includes("join 'j' joins unrelated paths")), found.join('\n'));
  });

  test('a join with nothing to join', () => {
    const found = problems(() => flow('F').step('start', noop).join('j', noop).step('end'));
    assert.ok(found.some((p) => p.includes("join 'j' joins nothing")), found.join('\n'));
  });

  test('a cycle not made by a bounded switch back-edge', () => {
    const plain = problems(() => flow('F').step('start', noop).step('a', noop, { next: 'start' }).step('end'));
    assert.ok(plain.some((p) => p.includes("cycle: step 'a' goes back to 'start'")), plain.join('\n'));
    const unbounded = problems(() =>
      flow('F')
        .step('start', noop)
        .step('a', () => ({ go: 'x' }), { switch: { on: 'go', cases: { x: 'start', y: 'end' } } })
        .step('end'),
    );
    assert.ok(unbounded.some((p) => p.includes("switch case to 'start' loops back, so the switch needs maxIterations")), unbounded.join('\n'));
  });

  test('duplicate step names and invalid names', () => {
    const found = problems(() => flow('F').step('start', noop).step('start', noop).step('bad name', noop).step('end'));
    assert.ok(found.includes("duplicate step name 'start': step names must be unique"), found.join('\n'));
    assert.ok(found.some((p) => p.includes('step name "bad name" is not valid')), found.join('\n'));
  });

  test('a step reached from two branches but not declared as a join hints at the implicit next', () => {
    const found = problems(() =>
      flow('F')
        .step('start', noop, { next: ['a', 'b'] })
        .step('a', noop)
        .step('b', noop, { next: 'j' })
        .join('j', noop)
        .step('end'),
    );
    assert.ok(found.some((p) => p.includes("step 'b' is reached from") && p.includes("is a 'next' missing?")), found.join('\n'));
  });

  test('all problems are reported at once', () => {
    const found = problems(() => flow('F').step('begin', noop, { next: 'ghost' }).step('begin', noop));
    assert.ok(found.length >= 3, found.join('\n'));
  });
});
