import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnCli } from '../client/cli-harness.js';
import { runFixture, tempHome } from '../helpers/run.js';
import { trackCli } from './cli-harness.js';

const home = tempHome('sluice-track-cli-');
let A = '';
let B = '';
const sluice = (...args: string[]) => trackCli(home.home, args);

before(async () => {
  for (const alpha of [1, 2]) {
    const run = await runFixture('track-cli.ts', { home: home.home, params: { values: { alpha } } });
    assert.equal(run.result.status, 'succeeded');
    if (alpha === 1) A = run.result.pathspec;
    else B = run.result.pathspec;
    await run.close();
  }
});
after(() => home.cleanup());

void describe('sluice metrics and compare', () => {
  void it('metrics: params with their source, metric summaries with NaN, and the task that logged them', async () => {
    const { code, out } = await sluice('metrics', A);
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.match(lines[0]!, new RegExp(`^${A} \\(succeeded, [\\d.]+m?s, user \\S+, started .*, code [0-9a-f]{12}\\)$`));
    assert.ok(lines.includes('params (2)'));
    assert.ok(lines.some((l) => /^ {2}alpha +1 +flow$/.test(l)));
    assert.ok(lines.some((l) => /^ {2}model +rf +logged$/.test(l)));
    assert.ok(lines.some((l) => new RegExp(`^ {2}loss +1 +2 +1 +3 +3 +${A}/start/\\d+$`).test(l)), out);
    assert.ok(lines.some((l) => /^ {2}odd +NaN +0 +NaN +NaN +1 /.test(l)), out);
  });

  void it('history as a table, CSV and JSON; NaN survives JSON as a string', async () => {
    const history = (await sluice('metrics', A, '--history', 'loss')).out.split('\n');
    assert.equal(history[0], 'loss (3 points)');
    assert.deepEqual(history.slice(1, 5).map((l) => l.trim().split(/\s{2,}/)).map((row) => [row[0], row[1], row[3]]), [['STEP', 'VALUE', 'TASK'], ['0', '3', '1'], ['1', '2', '1'], ['2', '1', '1']]);
    const csv = await sluice('metrics', A, '--csv', '--history', 'loss', '--history', 'odd');
    const csvLines = csv.out.trim().split('\n');
    assert.deepEqual(csvLines.slice(0, 4), ['key,step,timestamp,value,task_id', 'loss,0,1700000000000,3,1', 'loss,1,1700000000001,2,1', 'loss,2,1700000000002,1,1']);
    assert.match(csvLines[4]!, /^odd,0,\d+,NaN,1$/);
    const json = JSON.parse((await sluice('metrics', A, '--json')).out) as { metrics: { key: string; value: unknown }[]; params: { key: string }[] };
    assert.deepEqual(json.metrics.map((m) => [m.key, m.value]), [['loss', 1], ['odd', 'NaN'], ['score', 2]]);
    const points = JSON.parse((await sluice('metrics', A, '--history', 'loss', '--json')).out) as { key: string; points: { step: number; value: number }[] };
    assert.deepEqual(points.points.map((p) => [p.step, p.value]), [[0, 3], [1, 2], [2, 1]]);
  });

  void it('compare marks differing params and metrics; --diff shows only those', async () => {
    const { out } = await sluice('compare', A, B);
    const lines = out.split('\n');
    assert.ok(lines[0]!.startsWith(`[1] ${A} (`) && lines[1]!.startsWith(`[2] ${B} (`));
    assert.ok(lines.includes('params (1 of 2 differ, marked *)'));
    assert.ok(lines.some((l) => /^\* +alpha +1 +2$/.test(l)), out);
    assert.ok(lines.some((l) => /^ +model +rf +rf$/.test(l)), out);
    assert.ok(lines.some((l) => /^\* +score +2 +4$/.test(l)), out);
    const diff = await sluice('compare', A, B, '--diff');
    assert.ok(!diff.out.includes('model') && diff.out.includes('alpha'));
    const json = JSON.parse((await sluice('compare', A, B, '--json')).out) as { params: { key: string; values: string[]; differs: boolean }[] };
    assert.deepEqual(json.params, [{ key: 'alpha', values: ['1', '2'], differs: true }, { key: 'model', values: ['rf', 'rf'], differs: false }]);
  });

  void it('unknown runs and metrics are usage errors naming what exists', async () => {
    const run = await sluice('metrics', 'TrackCli/nope');
    assert.equal(run.code, 2);
    assert.match(run.err, /flow 'TrackCli' has no run 'nope'; latest runs: \w+, \w+/);
    const metric = await sluice('metrics', A, '--history', 'nope');
    assert.equal(metric.code, 2);
    assert.match(metric.err, /has no metric 'nope'; metrics: loss, odd, score/);
    assert.equal((await sluice('compare', A)).code, 2);
  });
});

void describe('sluice models', () => {
  void it('register, show, gate, promote with the gate required, alias history, and refusals', async () => {
    assert.match((await sluice('models', 'register', `${A}/start`, '--artifact', 'model', '--name', 'lin', '--example', 'example')).out, new RegExp(`^registered lin version 1 from ${A}/start/1\\n$`));
    const shown = (await sluice('models', 'show', 'models:/lin/1')).out;
    assert.match(shown, /signature +x:float64/);
    assert.match(shown, /metrics +loss=1, odd=NaN, score=2/);
    assert.match(shown, new RegExp(`task +${A}/start/1`));
    const gate = await sluice('models', 'gate', 'models:/lin/1', '--min', 'score=1.5', '--vs', 'production', '--metric', 'score');
    assert.equal(gate.code, 0);
    assert.equal(gate.out, "models:/lin/1: gate PASSED\n  ok    score = 2 >= 1.5\n  note  no baseline: alias 'production' is not set, so only the thresholds apply\n");
    assert.equal((await sluice('models', 'promote', 'lin', '1', 'production', '--reason', 'first')).out, 'promoted lin version 1 to production (was unset)\n');
    await sluice('models', 'register', `${B}/start`, '--artifact', 'model', '--name', 'lin');
    const refused = await sluice('models', 'promote', 'lin', '2', 'production');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /alias 'production' of model 'lin' was not moved to version 2: refused: it has no gate verdict/);
    const failed = await sluice('models', 'gate', 'models:/lin/2', '--vs', 'production', '--metric', 'loss', '--lower-is-better');
    assert.deepEqual([failed.code, failed.out], [1, 'models:/lin/2: gate FAILED\n  FAIL  loss = 2 <= 1 (baseline production = version 1)\n']);
    assert.equal((await sluice('models', 'alias', 'set', 'lin', 'staging', '2', '--reason', 'try')).out, 'lin@staging: unset → 2\n');
    const history = (await sluice('models', 'alias', 'history', 'lin')).out.trim().split('\n').map((l) => l.split(/\s{2,}/).slice(1));
    assert.deepEqual(history.slice(1).map((row) => [row[0], row[1], row[2], row[3], row[5]]), [
      ['production', 'set', '-', '1', 'first'],
      ['production', 'refused', '1', '2', 'refused: it has no gate verdict (run a gate first)'],
      ['staging', 'set', '-', '2', 'try'],
    ]);
    const versions = (await sluice('models', 'versions', 'lin')).out.trim().split('\n').map((l) => l.split(/\s{2,}/));
    assert.deepEqual(versions.slice(1).map((row) => [row[0], row[1], row[2], row[5]]), [['2', 'Staging', 'staging', 'failed'], ['1', 'Production', 'production', 'passed']]);
    const deleting = await sluice('models', 'delete', 'lin', '1');
    assert.equal(deleting.code, 1);
    assert.match(deleting.err, /version 1 of model 'lin' is what alias 'production' points at/);
    assert.equal((await sluice('models', 'alias', 'delete', 'lin', 'staging')).out, 'lin@staging: removed (was version 2)\n');
    assert.equal((await sluice('models', 'delete', 'lin', '2')).out, 'deleted lin version 2\n');
    const missing = await sluice('models', 'show', 'models:/lin@nope');
    assert.deepEqual([missing.code, missing.err], [2, "sluice: model 'lin' has no alias 'nope' (models:/lin@nope); aliases: production\n"]);
    assert.equal((await sluice('models', 'alias', 'set', 'lin', 'x', 'abc')).code, 2);
    const listed = JSON.parse((await sluice('models', 'ls', '--json')).out) as { name: string; aliases: Record<string, number> }[];
    assert.deepEqual(listed.map((m) => [m.name, m.aliases]), [['lin', { production: 1 }]]);
  });

  void it('the real CLI entry registers the tracking commands', async () => {
    const result = await spawnCli(home.home, ['metrics', A, '--json']);
    assert.equal(result.code, 0, result.err);
    assert.equal((JSON.parse(result.out) as { pathspec: string }).pathspec, A);
  });
});
