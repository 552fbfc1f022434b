/** The server's pure parts: step summaries, critical path, timeline packing, previews, thinning. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTimeline, criticalPath, summarizeSteps } from '../../src/server/aggregate.js';
import { boundedJson, previewValue } from '../../src/server/preview.js';
import { thin } from '../../src/server/routes/metrics.js';
import { isFilterQuery, queryTerms, runMatches } from '../../src/server/search.js';
import type { RunRecord, TaskRecord, TaskStatus } from '../../src/store/types.js';

function task(taskId: number, step: string, startedAt: number | null, endedAt: number | null, parents: number[] = [], status: TaskStatus = 'done'): TaskRecord {
  return {
    flow: 'F',
    runId: 'r',
    step,
    taskId,
    status,
    attempt: 0,
    parentTaskIds: parents,
    foreachStack: [],
    workerId: null,
    queuedAt: 0,
    startedAt,
    endedAt,
    error: null,
    originPathspec: null,
    stats: null,
  };
}

// start(0-10) → three foreach tasks (10-20, 10-40, 20-30) → join(41-45) → end(46-50)
const tasks = [
  task(1, 'start', 0, 10),
  task(2, 'work', 10, 20, [1]),
  task(3, 'work', 10, 40, [1]),
  task(4, 'work', 20, 30, [1]),
  task(5, 'join', 41, 45, [2, 3, 4]),
  task(6, 'end', 46, 50, [5]),
];

describe('aggregates', () => {
  test('step summaries: counts, span, durations', () => {
    const [start, work] = summarizeSteps(tasks, ['start', 'work', 'join', 'end', 'never']);
    assert.equal(start!.name, 'start');
    assert.deepEqual(work!.counts, { pending: 0, running: 0, done: 3, failed: 0 });
    assert.deepEqual([work!.startedAt, work!.endedAt, work!.durationSumMs, work!.durationMaxMs, work!.durationMeanMs], [10, 40, 50, 30, 50 / 3]);
    const never = summarizeSteps(tasks, ['never'])[0]!;
    assert.equal(never.total, 0);
    assert.equal(never.durationMeanMs, null);
  });

  test('the critical path follows the parent that finished last', () => {
    assert.deepEqual(
      criticalPath(tasks).map((p) => p.taskId),
      [1, 3, 5, 6],
    );
    // Without an end task: the task that ended last, running ones ending "now".
    const partial = [task(1, 'start', 0, 10), task(2, 'work', 10, null, [1], 'running'), task(3, 'work', 10, 30, [1])];
    assert.deepEqual(
      criticalPath(partial, 100).map((p) => [p.taskId, p.endedAt]),
      [
        [1, 10],
        [2, 100],
      ],
    );
  });

  test('timeline: overlapping tasks get lanes; many tasks become a concurrency profile', () => {
    const timeline = buildTimeline(tasks, { now: 50, buckets: 5 });
    const work = timeline.steps.find((s) => s.step === 'work')!;
    assert.equal(work.mode, 'bars');
    // 2 (10-20) lane 0, 3 (10-40) lane 1, 4 (20-30) reuses lane 0.
    assert.deepEqual(
      work.bars.map((b) => [b.taskId, b.lane, b.critical]),
      [
        [2, 0, false],
        [3, 1, true],
        [4, 0, false],
      ],
    );
    assert.equal(work.lanes, 2);
    assert.equal(timeline.criticalMs, 10 + 30 + 4 + 4);

    const dense = buildTimeline(tasks, { now: 50, buckets: 5, maxBars: 2 }).steps.find((s) => s.step === 'work')!;
    assert.equal(dense.mode, 'density');
    // Buckets of 10 ms over 0-50: tasks running per bucket (2 and 3 in 10-20; 3 and 4 in 20-30; 3 in 30-40).
    assert.deepEqual(dense.density, [0, 2, 2, 1, 0]);
    assert.equal(dense.peak, 2);
    assert.deepEqual(
      dense.bars.map((b) => b.taskId),
      [3],
    );
  });
});

describe('previews', () => {
  test('scalars, long text, numbers, and bounded JSON of other values', () => {
    assert.deepEqual(previewValue(NaN), { kind: 'scalar', type: 'number', value: 'NaN' });
    assert.deepEqual(previewValue('<b>x</b>'), { kind: 'scalar', type: 'string', value: '<b>x</b>' });
    assert.equal(previewValue('a\nb').kind, 'text');
    const numbers = previewValue([1, 2, 3, 4, 5, 6, 7, 8, Infinity]);
    assert.equal(numbers.kind, 'numbers');
    assert.deepEqual(numbers.kind === 'numbers' && [numbers.min, numbers.max, numbers.nan], [1, 'Infinity', 0]);
    assert.deepEqual(boundedJson(new Map([['k', new Set([1n])]])), { k: ['1n'] });
    assert.deepEqual(boundedJson({ a: { b: { c: 1 } } }, { rows: 5, stringChars: 3, jsonChars: 100, depth: 2, entries: 2 }), { a: { b: '<object>' } });
    assert.deepEqual(boundedJson([1, 2, 3, 4], { rows: 5, stringChars: 3, jsonChars: 100, depth: 2, entries: 2 }), [1, 2, '… 2 more']);
    assert.deepEqual(boundedJson('abcdef', { rows: 5, stringChars: 3, jsonChars: 100, depth: 2, entries: 2 }), 'abc… (6 characters)');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.deepEqual(boundedJson(cyclic), { self: '<circular>' });
  });

  test('thinning keeps each bucket’s first, lowest and highest points, and the last point', () => {
    const points = [5, 1, 9, 3, 4, 8, 2, 7, 6, 0, 11, 10].map((value, step) => ({ key: 'm', value, step, timestamp: step, taskId: null }));
    assert.equal(thin(points, 12).length, 12);
    // Three buckets of four: [5,1,9,3] [4,8,2,7] [6,0,11,10] → first, lowest, highest in order; then the last point.
    assert.deepEqual(
      thin(points, 9).map((p) => p.value),
      [5, 1, 9, 4, 8, 2, 6, 0, 11, 10],
    );
  });
});

describe('search terms', () => {
  const run = { flow: 'Train', runId: 'abc123', user: 'ann', status: 'failed', tags: ['Team-A'], systemTags: ['user:ann'], params: { lr: 0.1, model: 'rf' } } as unknown as RunRecord;
  test('every term must match a field, case-insensitively', () => {
    assert.equal(runMatches(run, queryTerms('train FAILED')), true);
    assert.equal(runMatches(run, queryTerms('lr=0.1 model=rf team-a')), true);
    assert.equal(runMatches(run, queryTerms('train succeeded')), false);
    assert.equal(runMatches(run, queryTerms('   ')), true);
  });
  test('filter syntax is recognised', () => {
    assert.equal(isFilterQuery('metrics.auc > 0.8'), true);
    assert.equal(isFilterQuery("params.model = 'rf' or tags.team = 'x'"), true);
    assert.equal(isFilterQuery('status = "FINISHED"'), true);
    assert.equal(isFilterQuery('lr=0.1 train'), false);
  });
});
