import assert from 'node:assert/strict';
import { test } from 'node:test';
import { criticalPath, fitLine, formatProfile, maxConcurrency, predictUsage, profileRun } from '../../../src/runtime/profile/index.js';
import type { EventRecord } from '../../../src/store/types.js';
import { GiB, run, task, trainRun } from './fixtures.js';

test('critical path: the longest chain of task durations through parent ids, grouped by step', () => {
  const { tasks } = trainRun();
  const path = criticalPath(tasks);
  assert.equal(path.totalMs, 100 + 7200 + 4000 + 100 + 50);
  assert.deepEqual(
    path.segments.map((s) => [s.step, s.taskIds]),
    [['start', [1]], ['features', [2]], ['train', [5]], ['join', [6]], ['end', [7]]],
  );
  assert.equal(maxConcurrency(tasks), 2);
});

test('profile: per-step totals, efficiency, bottleneck, and the suggestions the records call for', () => {
  const { run: r, tasks } = trainRun();
  const p = profileRun({ run: r, tasks, workers: 2 });
  assert.equal(p.taskSpanMs, 12_450);
  assert.equal(p.busyMs, 13_650);
  assert.equal(p.workersSource, 'given');
  assert.ok(Math.abs(p.parallelEfficiency - 13_650 / (2 * 12_450)) < 1e-12);
  const train = p.steps.find((s) => s.step === 'train')!;
  assert.equal(train.kind, 'foreach');
  assert.equal(train.tasks, 3);
  assert.equal(train.wallMs, 6200);
  assert.equal(train.spanMs, 5000);
  assert.equal(train.medianTaskMs, 1200);
  assert.equal(train.maxTaskId, 5);
  const features = p.steps.find((s) => s.step === 'features')!;
  assert.equal(features.otherMs, 7200 - 7000 - 50 - 100);
  assert.deepEqual(features.declared, { cpu: 1, memoryMiB: 1024, gpu: undefined });
  assert.equal(p.bottleneck!.step, 'features');
  assert.ok(Math.abs(p.bottleneck!.share - 7200 / 11_450) < 1e-12);

  const kinds = p.suggestions.map((s) => `${s.kind}:${s.step}`);
  assert.deepEqual(kinds, ['serial-step:features', 'memory-over:features', 'straggler:train']);
  assert.equal(p.suggestions[0]!.message, 'step `features` is 58% of wall time (7.20 s) and runs serially: make it a foreach, or run its loop with ctx.map');
  assert.equal(p.suggestions[1]!.message, '`features` tasks peaked at 2.0 GiB but declare 1.0 GiB: raise resources.memoryMiB to ~2560');
  assert.match(p.suggestions[2]!.message, /^`train` task 5 took 4\.00 s, 3\.3× the median task \(1\.20 s\)/);
  const text = formatProfile(p);
  assert.match(text, /Critical path 11\.45 s: start \(100 ms\) → features \(7\.20 s\) → train \(4\.00 s\) → join \(100 ms\) → end \(50 ms\)/);
  assert.match(text, /Bottleneck: features — 63% of the critical path/);
});

test('the pool size comes from the run-started event when recorded, else from the most tasks at once', () => {
  const { run: r, tasks } = trainRun();
  const event: EventRecord = { seq: 1, runId: 'r1', time: 0, kind: 'run-started', payload: { workers: 4 } };
  assert.equal(profileRun({ run: r, tasks, events: [event] }).workers, 4);
  const inferred = profileRun({ run: r, tasks });
  assert.equal(inferred.workers, 2);
  assert.equal(inferred.workersSource, 'inferred');
});

test('many tiny foreach tasks: suggests batching with a batch size', () => {
  const tasks = [task(1, 'start', 0, 1, [], { userMs: 1 })];
  // 100 tasks of 0.2 ms of work, each taking 3 ms end to end, two at a time.
  for (let i = 0; i < 100; i++) {
    const t0 = 1 + Math.floor(i / 2) * 3;
    tasks.push(task(2 + i, 'noop', t0, t0 + 3, [1], { userMs: 0.2, cpuUserMs: 0.2 }));
  }
  const r = run([
    { name: 'start', kind: 'step', parents: [] },
    { name: 'noop', kind: 'foreach', parents: ['start'] },
  ]);
  const p = profileRun({ run: r, tasks, workers: 2 });
  const s = p.suggestions.find((x) => x.kind === 'tiny-tasks')!;
  assert.match(s.message, /^foreach `noop` ran 100 tasks of 0\.20 ms of work each with ~2\.80 ms of overhead per task \(93% of its time\): send ~\d+ items per dispatch \(foreach batch: .auto.\)/);
});

test('recorded map plans are listed, and a map far below its estimate is flagged', () => {
  const { run: r, tasks } = trainRun();
  const plan = { label: 'extract', items: 100, mode: 'parallel', workers: 2, chunkSize: 4, estimate: { speedup: 1.9 }, realised: { speedup: 1.1, wallMs: 4000 } };
  const events: EventRecord[] = [{ seq: 2, runId: 'r1', time: 1, kind: 'planner.map', payload: { step: 'features', taskId: 2, plan } }];
  const p = profileRun({ run: r, tasks, events, workers: 2 });
  assert.deepEqual(p.maps[0], { step: 'features', taskId: 2, label: 'extract', items: 100, mode: 'parallel', workers: 2, chunkSize: 4, estimatedSpeedup: 1.9, realisedSpeedup: 1.1, wallMs: 4000 });
  assert.ok(p.suggestions.some((x) => x.kind === 'map-estimate' && /estimated at 1\.90× but realised 1\.10×/.test(x.message)));
  assert.ok(!p.suggestions.some((x) => x.kind === 'serial-step'), 'a step whose map ran in parallel is not called serial');
});

test('predictions: a fitted line with several input sizes, the peak above baseline scaled with one', () => {
  assert.deepEqual(fitLine([{ x: 100, y: 300 }, { x: 200, y: 500 }]), { a: 100, b: 2 });
  assert.equal(fitLine([{ x: 1, y: 1 }, { x: 1, y: 2 }]), undefined);
  const fit = predictUsage([{ inputBytes: 100, peakRssBytes: 300, wallMs: 10 }, { inputBytes: 200, peakRssBytes: 500, wallMs: 20 }], 300);
  assert.deepEqual(fit, { peakRssBytes: 700, wallMs: 30, method: 'fit' });
  const scaled = predictUsage([{ inputBytes: 100, peakRssBytes: 300, wallMs: 10 }], 200, 100);
  assert.deepEqual(scaled, { peakRssBytes: 500, wallMs: 20, method: 'scaled' });
});

test('predictions from past runs check themselves against this run and warn above the declaration', () => {
  const steps = [
    { name: 'start', kind: 'step' as const, parents: [] },
    { name: 'train', kind: 'step' as const, parents: ['start'], options: { resources: { memoryMiB: 1024 } } },
  ];
  const past = [0.25, 0.5].map((gib, i) => ({
    run: run(steps, `r0${i}`),
    tasks: [task(1, 'start', 0, 10, [], { peakRssBytes: 0.1 * GiB }), task(2, 'train', 10, 1010 * (i + 1), [1], { bytesRead: (i + 1) * 1e8, peakRssBytes: gib * GiB + 0.1 * GiB })],
  }));
  const now = [task(1, 'start', 0, 10, [], { peakRssBytes: 0.1 * GiB }), task(2, 'train', 10, 4000, [1], { bytesRead: 4e8, peakRssBytes: 1.05 * GiB })];
  const p = profileRun({ run: run(steps, 'r09'), tasks: now, past, workers: 1 });
  const train = p.predictions.find((x) => x.step === 'train')!;
  assert.equal(train.pastRuns, 2);
  assert.equal(train.method, 'fit');
  // Past runs: 0.35 GiB at 1e8 bytes, 0.6 GiB at 2e8 → 0.25 GiB per 1e8: 1.1 GiB predicted at 4e8.
  assert.ok(Math.abs(train.predictedForThisRun!.peakRssBytes - 1.1 * GiB) < 1e6);
  assert.ok(p.suggestions.some((s) => s.kind === 'memory-over' && s.step === 'train'), 'this run went over its 1 GiB declaration');
});
