import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeFlow, flow } from '../../src/index.js';
import { renderMermaid, renderText } from '../../src/flow/render.js';
import { cli, mainHasReadCommands, spawnCli } from '../client/cli-harness.js';

const FLOWS = join(import.meta.dirname, '..', 'fixtures', 'flows');
const SHAPES = join(FLOWS, 'show-shapes.ts');
const home = mkdtempSync(join(tmpdir(), 'sluice-show-'));
after(() => rmSync(home, { recursive: true, force: true }));

const SHAPES_TEXT = `Flow ShowShapes
  Every shape sluice show draws.

Params
  rounds  int, default 3 (an integer >= 1) — loop rounds
  mode    enum, required (one of "fast", "slow")

Steps (9)
  start   [step]
      make the shards
      → work (one task per item of 'shards')
  work    [foreach over 'shards']
      → gather
      retry: times=3, backoff=exponential
      resources: cpu=2, memoryMiB=512
  gather  [join of foreach 'work']
      → branch: left | right
  left    [step]
      → merge
  right   [step]
      → merge
  merge   [join of the branch from 'gather']
      → body
  body    [step]
      → check
  check   [step]
      switch on 'action' (maxIterations 5):
        "again" → body (loops back)
        "done" → end
        "stop \\"now\\"" → end
  end     [step]
      (end of flow)
`;

const SHAPES_MERMAID = `flowchart TD
  s_start(["start"])
  s_work[["work<br/>foreach over shards"]]
  s_gather{{"gather<br/>join"}}
  s_left["left"]
  s_right["right"]
  s_merge{{"merge<br/>join"}}
  s_body["body"]
  s_check{"check<br/>switch on action"}
  s_end(["end"])
  s_start -->|"foreach over shards"| s_work
  s_work --> s_gather
  s_gather --> s_left
  s_gather --> s_right
  s_left --> s_merge
  s_right --> s_merge
  s_merge --> s_body
  s_body --> s_check
  s_check -.->|"again (max 5)"| s_body
  s_check -->|"done, stop #quot;now#quot;"| s_end
`;

void describe('sluice show', () => {
  void it('prints steps, kinds, transitions and options as text', async () => {
    const result = await cli(home, ['show', SHAPES]);
    assert.equal(result.err, '');
    assert.equal(result.code, 0);
    assert.equal(result.out, SHAPES_TEXT);
  });

  void it('prints Mermaid: foreach and switch edges labelled, the loop back-edge dashed', async () => {
    const result = await cli(home, ['show', SHAPES, '--format', 'mermaid']);
    assert.equal(result.code, 0);
    assert.equal(result.out, SHAPES_MERMAID);
  });

  void it('prints the graph as JSON', async () => {
    const result = await cli(home, ['show', SHAPES, '--format', 'json']);
    assert.equal(result.code, 0);
    const graph = JSON.parse(result.out) as {
      flow: string;
      params: { name: string; kind: string; default: unknown }[];
      steps: { name: string; kind: string; over: string | null; transition: Record<string, unknown>; options: Record<string, unknown>; closes: string | null }[];
    };
    assert.equal(graph.flow, 'ShowShapes');
    assert.deepEqual(
      graph.params.map((p) => [p.name, p.kind, p.default]),
      [
        ['rounds', 'int', 3],
        ['mode', 'enum', null],
      ],
    );
    assert.deepEqual(
      graph.steps.map((s) => s.name),
      ['start', 'work', 'gather', 'left', 'right', 'merge', 'body', 'check', 'end'],
    );
    const byName = new Map(graph.steps.map((s) => [s.name, s]));
    assert.equal(byName.get('work')!.over, 'shards');
    assert.deepEqual(byName.get('work')!.options, { retry: { times: 3, backoff: 'exponential' }, resources: { cpu: 2, memoryMiB: 512 } });
    assert.equal(byName.get('gather')!.closes, 'foreach:work');
    assert.deepEqual(byName.get('check')!.transition, {
      type: 'switch',
      on: 'action',
      cases: { again: 'body', done: 'end', 'stop "now"': 'end' },
      maxIterations: 5,
      backEdges: ['body'],
    });
  });

  void it('an invalid flow prints every problem and exits 2', async () => {
    const result = await cli(home, ['show', join(FLOWS, 'show-invalid.ts')]);
    assert.equal(result.code, 2);
    assert.equal(result.out, '');
    assert.match(result.err, /^sluice show: flow ShowInvalid is not valid:\n/);
    assert.match(result.err, /\n {2}- missing an 'end' step: every flow finishes at a step named 'end'\n/);
    assert.match(result.err, /\n {2}- step 'start' goes to unknown step 'middel' \(steps: start, middle\)\n/);
  });

  void it('a flow file that throws on import, or is missing, is a one-line error with exit 2', async () => {
    const throws = await cli(home, ['show', join(FLOWS, 'show-throws.ts')]);
    assert.equal(throws.code, 2);
    assert.match(throws.err, /^sluice: flow file .*show-throws\.ts failed to load: Error: config missing: set TRAIN_BUCKET.*\n$/);
    assert.equal(throws.err.trimEnd().split('\n').length, 1);
    const missing = await cli(home, ['show', join(FLOWS, 'no-such-flow.ts')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^sluice: flow file not found: .*no-such-flow\.ts\n$/);
  });

  void it('rejects an unknown format and unknown flags (exit 2); --help exits 0', async () => {
    const format = await cli(home, ['show', SHAPES, '--format', 'dot']);
    assert.equal(format.code, 2);
    assert.equal(format.err, "sluice: --format must be one of text, mermaid, json, got 'dot'\n");
    const flag = await cli(home, ['show', SHAPES, '--colour']);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /unknown option '--colour'/);
    const help = await cli(home, ['show', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: sluice show \[options\] <flow>/);
    assert.match(help.out, /--format <format>\s+output format: text, mermaid, json \(default: "text"\)/);
  });
});

void describe('renderMermaid', () => {
  void it("keeps node ids unique and avoids Mermaid's reserved 'end'", () => {
    const f = flow('Ids')
      .step('start', () => ({}), { next: ['a-b', 'a_b'] })
      .step('a-b', () => ({}), { next: 'j' })
      .step('a_b', () => ({}), { next: 'j' })
      .join('j', () => ({}))
      .step('end');
    const mermaid = renderMermaid(analyzeFlow(f));
    assert.match(mermaid, /\n {2}s_a_b\["a-b"\]\n {2}s_a_b_2\["a_b"\]\n/);
    assert.match(mermaid, /\n {2}s_start --> s_a_b\n {2}s_start --> s_a_b_2\n/);
    assert.match(mermaid, /\n {2}s_end\(\["end"\]\)/);
  });

  void it('renders a linear flow as a chain', () => {
    const f = flow('Chain').step('start').step('mid').step('end');
    assert.equal(renderMermaid(analyzeFlow(f)), 'flowchart TD\n  s_start(["start"])\n  s_mid["mid"]\n  s_end(["end"])\n  s_start --> s_mid\n  s_mid --> s_end');
    assert.equal(renderText(analyzeFlow(f)), 'Flow Chain\n\nSteps (3)\n  start  [step]\n      → mid\n  mid    [step]\n      → end\n  end    [step]\n      (end of flow)');
  });
});

void describe('sluice show through src/cli/main.ts', { skip: !mainHasReadCommands() && 'main.ts does not register the read commands yet' }, () => {
  void it('prints Mermaid, and exits 2 with one line for a flow that throws on import', async () => {
    const mermaid = await spawnCli(home, ['show', SHAPES, '--format', 'mermaid']);
    assert.equal(mermaid.code, 0);
    assert.equal(mermaid.out, SHAPES_MERMAID);
    const throws = await spawnCli(home, ['show', join(FLOWS, 'show-throws.ts')]);
    assert.equal(throws.code, 2);
    assert.equal(throws.err.trimEnd().split('\n').length, 1);
    assert.match(throws.err, /config missing: set TRAIN_BUCKET/);
  });
});
