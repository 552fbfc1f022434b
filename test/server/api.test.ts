/** The JSON API over real HTTP, against a store filled by real runs. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunFlowResult } from '../../src/index.js';
import { tempHome } from '../helpers/run.js';
import { readEvents, runInto, serve, type TestServer } from './serve-helper.js';

const home = tempHome('sluice-api-');
let server: TestServer;
let basic: RunFlowResult;
let failing: RunFlowResult;
let base: string;

before(async () => {
  basic = await runInto(home.home, 'ui-basic.ts', { tags: ['team-a', '<script>alert("tag")</script>'] });
  failing = await runInto(home.home, 'ui-fail.ts');
  server = await serve({ home: home.home, uiDir: null });
  base = `/api/runs/UiBasic/${basic.runId}`;
});
after(async () => {
  await server?.close();
  home.cleanup();
});

/** The id of a task of the basic run by step (and foreach index). */
async function taskOf(step: string, index?: number): Promise<number> {
  const { body } = await server.json(`${base}/tasks?step=${step}&limit=1000`);
  const task = (body.tasks as { taskId: number; index: number | null }[]).find((t) => index === undefined || t.index === index);
  assert.ok(task, `no ${step} task${index === undefined ? '' : ` with index ${index}`}`);
  return task.taskId;
}

describe('runs', () => {
  test('the list has both runs, newest first, with status, user, tags and params', async () => {
    const { status, body } = await server.json('/api/runs');
    assert.equal(status, 200);
    assert.deepEqual(
      body.runs.map((r: any) => [r.pathspec, r.status]),
      [
        [`UiFail/${failing.runId}`, 'failed'],
        [`UiBasic/${basic.runId}`, 'succeeded'],
      ],
    );
    const run = body.runs[1];
    assert.deepEqual(run.tags, ['<script>alert("tag")</script>', 'team-a'].sort());
    assert.deepEqual(run.params, { width: 6, note: '<script>alert("param")</script>' });
    assert.equal(run.durationMs, run.endedAt - run.createdAt);
    assert.equal(body.nextCursor, null);
    assert.match(body.runs[0].error, /step 'work' task \d+ failed: TypeError: item 1 is <b>bad<\/b>/);
  });

  test('filters: flow, status, tag and search terms', async () => {
    const ids = async (q: string) => (await server.json(`/api/runs?${q}`)).body.runs.map((r: any) => r.runId);
    assert.deepEqual(await ids('flow=UiBasic'), [basic.runId]);
    assert.deepEqual(await ids('status=failed'), [failing.runId]);
    assert.deepEqual(await ids('tag=team-a'), [basic.runId]);
    assert.deepEqual(await ids('tag=team-a&tag=nope'), []);
    assert.deepEqual(await ids('q=width%3D6'), [basic.runId]);
    assert.deepEqual(await ids('q=uifail%20failed'), [failing.runId]);
    assert.deepEqual(await ids('q=no-such-thing'), []);
  });

  test('cursor pages: one run per page, then the end', async () => {
    const first = await server.json('/api/runs?limit=1');
    assert.deepEqual(first.body.runs.map((r: any) => r.runId), [failing.runId]);
    assert.equal(first.body.nextCursor, failing.runId);
    const second = await server.json(`/api/runs?limit=1&before=${first.body.nextCursor}`);
    assert.deepEqual(second.body.runs.map((r: any) => r.runId), [basic.runId]);
    const third = await server.json(`/api/runs?limit=1&before=${basic.runId}`);
    assert.deepEqual(third.body.runs, []);
    assert.equal(third.body.nextCursor, null);
  });

  test('flows', async () => {
    const { body } = await server.json('/api/flows');
    assert.deepEqual(body.flows.map((f: any) => f.name), ['UiBasic', 'UiFail']);
  });

  test('one run: graph with step kinds and edges, and task counts per step', async () => {
    const { status, body } = await server.json(base);
    assert.equal(status, 200);
    assert.deepEqual(
      body.graph.steps.map((s: any) => [s.name, s.kind, s.parents]),
      [
        ['start', 'step', []],
        ['square', 'foreach', ['start']],
        ['collect', 'join', ['square']],
        ['end', 'step', ['collect']],
      ],
    );
    assert.equal(body.graph.inferred, false);
    assert.equal(body.tasks, 9);
    assert.deepEqual(body.counts.square, { pending: 0, running: 0, done: 6, failed: 0 });
    assert.deepEqual(Object.keys(body.counts).sort(), ['collect', 'end', 'square', 'start']);
    assert.equal(body.run.flowFile.endsWith('ui-basic.ts'), true);
  });

  test('the per-step profile: counts, durations and resource use', async () => {
    const { body } = await server.json(`${base}/steps`);
    assert.deepEqual(
      body.steps.map((s: any) => [s.name, s.total]),
      [
        ['start', 1],
        ['square', 6],
        ['collect', 1],
        ['end', 1],
      ],
    );
    const square = body.steps[1];
    assert.ok(square.durationSumMs >= square.durationMaxMs && square.durationMaxMs >= square.durationMeanMs);
    assert.ok(square.cpuMs > 0, 'task stats are summed');
    assert.equal(square.retried, 0);
  });

  test("the run's profile, as `sluice profile` computes it", async () => {
    const { status, body } = await server.json(`${base}/profile`);
    assert.equal(status, 200);
    assert.equal(body.tasks, 9);
    assert.deepEqual(
      body.steps.map((s: any) => [s.step, s.tasks]),
      [
        ['start', 1],
        ['square', 6],
        ['collect', 1],
        ['end', 1],
      ],
    );
    assert.deepEqual(
      body.criticalPath.segments.map((s: any) => s.step),
      ['start', 'square', 'collect', 'end'],
    );
    assert.ok(body.parallelEfficiency > 0 && body.parallelEfficiency <= 1);
  });

  test('timeline: bars per task, critical path from start to end, and a density profile for wide steps', async () => {
    const { body } = await server.json(`${base}/timeline`);
    assert.deepEqual(body.steps.map((s: any) => s.step), ['start', 'square', 'collect', 'end']);
    const square = body.steps[1];
    assert.equal(square.mode, 'bars');
    assert.equal(square.bars.length, 6);
    assert.deepEqual(body.criticalPath.map((p: any) => p.step), ['start', 'square', 'collect', 'end']);
    // The critical square task is the one that finished last.
    const lastSquare = Math.max(...square.bars.map((b: any) => b.endedAt));
    assert.equal(body.criticalPath[1].endedAt, lastSquare);
    assert.equal(square.bars.filter((b: any) => b.critical).length, 1);

    const dense = (await server.json(`${base}/timeline?maxBars=2&buckets=10`)).body.steps[1];
    assert.equal(dense.mode, 'density');
    assert.equal(dense.density.length, 10);
    assert.equal(dense.bars.length, 1, 'only the critical task is drawn as a bar');
    assert.ok(dense.peak >= 1 && dense.peak <= 2, `peak ${dense.peak} (two workers)`);
  });

  test('unknown runs and wrong flows are 404s naming what was asked for', async () => {
    const missing = await server.json('/api/runs/UiBasic/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, "flow 'UiBasic' has no run 'nope'");
    const wrongFlow = await server.json(`/api/runs/UiFail/${basic.runId}`);
    assert.equal(wrongFlow.status, 404);
    assert.match(wrongFlow.body.message, /belongs to flow 'UiBasic'/);
  });

  test('bad parameters are 400s naming the parameter', async () => {
    const bad = await server.json('/api/runs?limit=abc');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /limit/);
    const status = await server.json('/api/runs?status=exploded');
    assert.equal(status.status, 400);
    assert.match(status.body.message, /status/);
  });
});

describe('tasks', () => {
  test('cursor pages of a step in id order with foreach indexes', async () => {
    const first = await server.json(`${base}/tasks?step=square&limit=4`);
    assert.deepEqual(first.body.tasks.map((t: any) => t.index), [0, 1, 2, 3]);
    assert.equal(first.body.nextCursor, first.body.tasks[3].taskId);
    const rest = await server.json(`${base}/tasks?step=square&limit=4&after=${first.body.nextCursor}`);
    assert.deepEqual(rest.body.tasks.map((t: any) => t.index), [4, 5]);
    assert.equal(rest.body.nextCursor, null);
  });

  test('filtering by status finds the failed task and its error', async () => {
    const { body } = await server.json(`/api/runs/UiFail/${failing.runId}/tasks?status=failed`);
    assert.equal(body.tasks.length, 1);
    assert.equal(body.tasks[0].index, 1);
    assert.equal(body.tasks[0].error, 'TypeError: item 1 is <b>bad</b>');
    const done = await server.json(`/api/runs/UiFail/${failing.runId}/tasks?status=done&step=work`);
    assert.deepEqual(done.body.tasks.map((t: any) => t.index), [0, 2]);
  });

  test('a foreach task: its item, parents, stats and visible artifacts (own and inherited)', async () => {
    const id = await taskOf('square', 3);
    const { body } = await server.json(`${base}/tasks/${id}`);
    const t = body.task;
    assert.equal(t.pathspec, `UiBasic/${basic.runId}/square/${id}`);
    assert.deepEqual(
      t.foreachStack.map((f: any) => [f.kind, f.step, f.index, f.count, f.item]),
      [['foreach', 'square', 3, 6, { kind: 'scalar', type: 'number', value: 3 }]],
    );
    assert.equal(t.parentCount, 1);
    assert.ok(t.stats.wallMs >= 0);
    assert.deepEqual(
      t.attempts.map((a: any) => [a.attempt, a.status]),
      [[0, 'done']],
    );
    const artifacts = Object.fromEntries(body.artifacts.map((a: any) => [a.name, a]));
    assert.equal(artifacts.sq.inherited, false);
    assert.equal(artifacts.table.inherited, true);
    assert.equal(artifacts.table.producerStep, 'start');
    assert.equal(artifacts.table.type, 'Table(3×2)');
  });

  test('a failed task carries its error with the stack', async () => {
    const { body: page } = await server.json(`/api/runs/UiFail/${failing.runId}/tasks?status=failed`);
    const { body } = await server.json(`/api/runs/UiFail/${failing.runId}/tasks/${page.tasks[0].taskId}`);
    assert.equal(body.task.errorDetail.type, 'TypeError');
    assert.equal(body.task.errorDetail.message, 'item 1 is <b>bad</b>');
    assert.equal(body.task.errorDetail.kind, 'user');
    assert.match(body.task.errorDetail.stack, /ui-fail\.ts/);
  });

  test('an unknown task is a 404 naming the run', async () => {
    const { status, body } = await server.json(`${base}/tasks/999`);
    assert.equal(status, 404);
    assert.equal(body.message, `run UiBasic/${basic.runId} has no task 999`);
  });
});

describe('artifact previews', () => {
  const preview = async (name: string, step = 'start') => (await server.json(`${base}/tasks/${await taskOf(step)}/artifacts/${name}`)).body;

  test('a Table shows its first rows as data (markup stays a string)', async () => {
    const body = await preview('table');
    assert.equal(body.codec, 'ml.Table');
    assert.deepEqual(body.preview, {
      kind: 'table',
      rows: 3,
      columns: [
        { name: 'id', type: 'float64' },
        { name: 'name', type: 'string' },
      ],
      head: [
        [1, 'a'],
        [2, '<img src=x onerror=alert(1)>'],
        [3, null],
      ],
    });
  });

  test('a typed array is summarised (NaN counted, not averaged)', async () => {
    const body = await preview('vec');
    assert.deepEqual(body.preview, { kind: 'numbers', type: 'Float64Array(4)', length: 4, min: 1, max: 3, mean: 2, std: Math.sqrt(2 / 3), nan: 1, head: [1, 2, 3, 'NaN'] });
  });

  test('objects as bounded JSON, bigints as decimal strings, foreach lists item by item', async () => {
    const config = await preview('config');
    assert.equal(config.preview.kind, 'json');
    assert.deepEqual(JSON.parse(config.preview.text), { lr: 0.1, layers: [8, 4], html: '<script>alert("artifact")</script>' });
    assert.deepEqual((await preview('big')).preview, { kind: 'scalar', type: 'bigint', value: String(2n ** 70n) });
    const items = await preview('items');
    assert.equal(items.itemized, true);
    assert.equal(items.preview.type, 'Array(6) (first 6 of 6)');
    assert.deepEqual(JSON.parse(items.preview.text), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual((await preview('title')).preview, { kind: 'scalar', type: 'string', value: '<script>alert("title")</script>' });
  });

  test('an artifact the task cannot see is a 404 listing the ones it can', async () => {
    const id = await taskOf('start');
    const { status, body } = await server.json(`${base}/tasks/${id}/artifacts/sq`);
    assert.equal(status, 404);
    assert.match(body.message, /has no artifact 'sq'; artifacts: big, config, items, table, title, vec$/);
  });
});

describe('logs', () => {
  test('stdout and stderr of a task attempt', async () => {
    const id = await taskOf('square', 4);
    const out = await server.json(`${base}/tasks/${id}/logs/stdout`);
    assert.deepEqual(out.body, { stream: 'stdout', attempt: 0, offset: 0, nextOffset: 11, size: 11, text: 'squaring 4\n', more: false });
    const err = await server.json(`${base}/tasks/${id}/logs/stderr`);
    assert.equal(err.body.text, 'note from item 4\n');
  });

  test('windows: from an offset, limited, and the tail', async () => {
    const id = await taskOf('start');
    const whole = 'starting <script>alert("log")</script>\n';
    assert.equal((await server.json(`${base}/tasks/${id}/logs/stdout`)).body.text, whole);
    const part = (await server.json(`${base}/tasks/${id}/logs/stdout?offset=9&limit=8`)).body;
    assert.deepEqual([part.text, part.offset, part.nextOffset, part.more], ['<script>', 9, 17, true]);
    const tail = (await server.json(`${base}/tasks/${id}/logs/stdout?tail=10`)).body;
    assert.equal(tail.text, whole.slice(-10));
  });

  test('an attempt that does not exist is a 404', async () => {
    const id = await taskOf('start');
    const { status, body } = await server.json(`${base}/tasks/${id}/logs/stdout?attempt=3`);
    assert.equal(status, 404);
    assert.match(body.message, /has no attempt 3 \(it has only attempt 0\)/);
  });

  test("a finished task's live tail sends the log, then ends", async () => {
    const id = await taskOf('end');
    const events = await readEvents(await server.request(`${base}/tasks/${id}/logs/stdout/live`), (e) => e.some((x) => x.event === 'end'));
    assert.deepEqual(
      events.map((e) => e.event),
      ['append', 'end'],
    );
    assert.equal(events[0]!.data.text, 'total 55\n');
    assert.equal(events[1]!.data.status, 'done');
  });
});

describe('live run state', () => {
  test("a finished run's stream sends its state once, then ends", async () => {
    const events = await readEvents(await server.request(`${base}/live`), (e) => e.some((x) => x.event === 'end'));
    assert.deepEqual(
      events.map((e) => e.event),
      ['state', 'end'],
    );
    assert.deepEqual(events[0]!.data.counts.square, { pending: 0, running: 0, done: 6, failed: 0 });
    assert.equal(events[0]!.data.run.status, 'succeeded');
  });

  test('while a run executes, the server reads the store without errors and streams it to the end', async () => {
    const live = runInto(home.home, 'ui-live.ts', { params: { width: 4, beats: 3, gapMs: 60 } });
    // Wait for the run to appear, then follow it.
    let runId: string | undefined;
    for (let i = 0; i < 400 && !runId; i++) {
      const { body } = await server.json('/api/runs?flow=UiLive');
      runId = body.runs[0]?.runId;
      if (!runId) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(runId, 'the live run appears in the list while it runs');
    const statuses: number[] = [];
    const poll = (async () => {
      for (let i = 0; i < 40; i++) {
        for (const path of [`/api/runs/UiLive/${runId}`, `/api/runs/UiLive/${runId}/timeline`, `/api/runs/UiLive/${runId}/tasks?step=train`]) {
          statuses.push((await server.request(path)).status);
        }
      }
    })();
    const events = await readEvents(await server.request(`/api/runs/UiLive/${runId}/live`), (e) => e.some((x) => x.event === 'end'), 60_000);
    await Promise.all([live, poll]);
    assert.deepEqual([...new Set(statuses)], [200]);
    const states = events.filter((e) => e.event === 'state');
    assert.ok(states.length >= 2, `several states while running (got ${states.length})`);
    const last = states.at(-1)!.data;
    assert.equal(last.run.status, 'succeeded');
    assert.deepEqual(last.counts.train, { pending: 0, running: 0, done: 4, failed: 0 });
    assert.equal(events.at(-1)!.event, 'end');
  });
});

describe('retried tasks', () => {
  test('every attempt with its status and error, and each attempt\'s log', async () => {
    const retried = await runInto(home.home, 'ui-retry.ts');
    assert.equal(retried.status, 'succeeded');
    const runBase = `/api/runs/UiRetry/${retried.runId}`;
    const { body: page } = await server.json(`${runBase}/tasks?step=start`);
    const id = page.tasks[0].taskId;
    assert.equal(page.tasks[0].attempt, 1);
    const { body } = await server.json(`${runBase}/tasks/${id}`);
    assert.deepEqual(
      body.task.attempts.map((a: any) => [a.attempt, a.status, a.error?.message ?? null]),
      [
        [0, 'failed', 'first attempt fails <on purpose>'],
        [1, 'done', null],
      ],
    );
    assert.equal(body.task.attempts[0].retryDelayMs > 0, true);
    assert.equal((await server.json(`${runBase}/tasks/${id}/logs/stdout?attempt=0`)).body.text, 'attempt 0\n');
    assert.equal((await server.json(`${runBase}/tasks/${id}/logs/stdout`)).body.text, 'attempt 1\n');
  });
});

describe('OpenAPI', () => {
  test('the document lists every route and the shared schemas', async () => {
    const { status, body } = await server.json('/api/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    for (const path of [
      '/api/runs',
      '/api/runs/{flow}/{runId}',
      '/api/runs/{flow}/{runId}/timeline',
      '/api/runs/{flow}/{runId}/steps',
      '/api/runs/{flow}/{runId}/profile',
      '/api/runs/{flow}/{runId}/tasks',
      '/api/runs/{flow}/{runId}/tasks/{taskId}',
      '/api/runs/{flow}/{runId}/tasks/{taskId}/artifacts/{name}',
      '/api/runs/{flow}/{runId}/tasks/{taskId}/logs/{stream}',
      '/api/runs/{flow}/{runId}/tasks/{taskId}/logs/{stream}/live',
      '/api/runs/{flow}/{runId}/live',
      '/api/live/runs',
    ]) {
      assert.ok(body.paths[path]?.get, `documents GET ${path}`);
    }
    for (const schema of ['RunSummary', 'RunPage', 'RunDetail', 'Timeline', 'TaskPage', 'TaskDetail', 'ArtifactPreview', 'LogChunk', 'Error']) {
      assert.ok(body.components.schemas[schema], `schema ${schema}`);
    }
    assert.deepEqual(body.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  });
});
