import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { likeToGlob } from '../../src/store/metadata/tracking/search.js';
import { parseFilter, RUN_FILTER } from '../../src/store/tracking/filter.js';
import { evaluateGate } from '../../src/store/tracking/gate.js';
import { decodeParam, encodeParam } from '../../src/store/tracking/values.js';
import { Table } from '../../src/ml/index.js';
import { metricOps } from '../../src/track/handlers.js';
import { likeRegExp } from '../../src/track/mlflow/evaluate.js';
import { TaskLog } from '../../src/track/log.js';
import { Pending } from '../../src/track/register.js';
import { formatModelRef, parseModelRef } from '../../src/track/refs.js';
import { inferSignature } from '../../src/track/signature.js';

void describe('tracking units', () => {
  void it('parses model references with and without the models:/ prefix', () => {
    assert.deepEqual(parseModelRef('models:/churn@production'), { name: 'churn', kind: 'alias', alias: 'production' });
    assert.deepEqual(parseModelRef('churn/3'), { name: 'churn', kind: 'version', version: 3 });
    assert.deepEqual(parseModelRef('models:/churn'), { name: 'churn', kind: 'latest' });
    assert.equal(formatModelRef(parseModelRef('churn/latest')), 'models:/churn/latest');
    assert.throws(() => parseModelRef('models:/churn/v3'), /model reference "models:\/churn\/v3" is not valid: use models:\/name@alias/);
    assert.throws(() => parseModelRef('churn/0'), /version 0 must be a positive integer/);
  });

  void it('infers signatures from tables, matrices, row objects and column objects', () => {
    const table = Table.fromColumns({ age: new Float64Array([1, 2]), city: ['a', 'b'] });
    assert.deepEqual(inferSignature(table), { inputs: [{ name: 'age', type: 'float64' }, { name: 'city', type: 'string' }] });
    assert.deepEqual(inferSignature({ rows: 2, cols: 2 }), { inputs: [{ name: 'x0', type: 'float64' }, { name: 'x1', type: 'float64' }] });
    assert.deepEqual(inferSignature([{ n: 1, s: 'x', f: 0.5, b: true }]), { inputs: [{ name: 'n', type: 'int' }, { name: 's', type: 'string' }, { name: 'f', type: 'float64' }, { name: 'b', type: 'boolean' }] });
    assert.deepEqual(inferSignature({ a: new Int32Array(2), b: [null, 'x'] }), { inputs: [{ name: 'a', type: 'int32' }, { name: 'b', type: 'string' }] });
    assert.equal(inferSignature(42), null);
  });

  void it('translates LIKE patterns (case-sensitive GLOB for SQLite, RegExp in memory), escapes included', () => {
    assert.equal(likeToGlob('ab%_c*[\\%'), 'ab*?c[*][[]%');
    assert.ok(likeRegExp('a%b_', false).test('aXYbZ'));
    assert.ok(!likeRegExp('a%', false).test('A1'));
    assert.ok(likeRegExp('a%', true).test('A1'));
    assert.ok(likeRegExp('50\\%', false).test('50%') && !likeRegExp('50\\%', false).test('500'));
  });

  void it('parses precedence (and binds tighter than or), IN lists, quoted keys and a trailing order by', () => {
    const parsed = parseFilter("metrics.`val loss` < 1 or params.a = 'x' and tags.\"t k\" IN ('u', 'v') ORDER BY metrics.auc DESC, attributes.start_time", RUN_FILTER);
    assert.equal(parsed.where?.type, 'or');
    const [left, right] = (parsed.where as unknown as { items: { type: string }[] }).items;
    assert.deepEqual([left?.type, right?.type], ['compare', 'and']);
    assert.equal((left as unknown as { left: { key: string } }).left.key, 'val loss');
    assert.deepEqual(parsed.orderBy.map((o) => [o.ident.entity, o.ident.key, o.descending]), [['metric', 'auc', true], ['attribute', 'start_time', false]]);
  });

  void it('gates: lower-is-better comparisons, a baseline without the metric, NaN candidates', () => {
    const lower = evaluateGate({ vs: { alias: 'production', metric: 'rmse', maxRegression: 0.5, better: 'lower' } }, { metrics: { rmse: 2.4 } }, { version: 1, metrics: { rmse: 2 } }, 1);
    assert.deepEqual([lower.passed, lower.checks[0]?.limit], [true, 2.5]);
    const worse = evaluateGate({ vs: { alias: 'production', metric: 'rmse', better: 'lower' } }, { metrics: { rmse: 2.4 } }, { version: 1, metrics: { rmse: 2 } }, 1);
    assert.deepEqual(worse.reasons, ["rmse = 2.4 regresses from 2 (version 1, alias 'production') by more than 0"]);
    const noMetric = evaluateGate({ vs: { alias: 'production', metric: 'auc' } }, { metrics: { auc: 0.5 } }, { version: 4, metrics: {} }, 1);
    assert.deepEqual([noMetric.passed, noMetric.reasons], [true, ["baseline version 4 (alias 'production') has no 'auc' metric; comparison skipped"]]);
    const nan = evaluateGate({ thresholds: { auc: { min: 0 } } }, { metrics: { auc: NaN } }, null, 1);
    assert.deepEqual([nan.passed, nan.reasons], [false, ['auc = NaN is below the minimum 0']]);
    assert.throws(() => evaluateGate({}, { metrics: {} }, null, 1), /gate checks nothing/);
    assert.throws(() => evaluateGate({ thresholds: { auc: { min: Number('x') } } }, { metrics: {} }, null, 1), /gate threshold auc\.min must be a number/);
  });

  void it('params keep their type through their text form', () => {
    for (const value of ['0.1', 0.1, NaN, true, null, [1, 'a'], { k: { n: 1 } }]) {
      const { text, type } = encodeParam('p', value);
      assert.deepEqual(decodeParam(text, type), value);
    }
    assert.throws(() => encodeParam('p', () => 1), /param 'p' is a function/);
    assert.throws(() => encodeParam('p', 'x'.repeat(6001)), /param 'p' is 6001 characters long; the limit is 6000/);
  });

  void it('ctx.log batches metric points into columnar chunks sent on the next microtask, and checks before sending', async () => {
    const sent: { kind: string; data: unknown }[] = [];
    const log = new TaskLog({ runId: 'r', flowParams: { lr: 0.1 }, emit: (kind, data) => void sent.push({ kind, data }) });
    for (let i = 0; i < 3; i++) log.metric('loss', 1 / (i + 1));
    log.metric('acc', NaN, { step: 9, timestamp: 5 });
    assert.equal(sent.length, 0, 'nothing is sent synchronously');
    await Promise.resolve();
    assert.equal(sent.length, 1);
    const ops = metricOps({ flow: 'F', runId: 'r', step: 's', taskId: 4 }, [{ kind: sent[0]!.kind, time: 0, data: sent[0]!.data }]);
    const points = (ops[0] as unknown as { points: { key: string; value: number; step: number; timestamp: number }[] }).points;
    assert.deepEqual(points.map((p) => [p.key, p.value, p.step]), [['loss', 1, 0], ['loss', 0.5, 1], ['loss', 1 / 3, 2], ['acc', NaN, 9]]);
    assert.equal(points[3]!.timestamp, 5);
    assert.throws(() => log.metric('loss', '1' as unknown as number), /metric 'loss' must be a number, got string/);
    assert.throws(() => log.metric('bad key!', 1), /metric key 'bad key!' may only contain/);
    assert.throws(() => log.param('lr', 0.2), /param 'lr' of run r is already "0\.1"; it cannot change to "0\.2"/);
    log.param('lr', 0.1);
    assert.equal(sent.length, 1, 'logging a flow param with its own value sends nothing');
  });

  void it('Pending fetches only when awaited', async () => {
    let fetched = 0;
    const pending = new Pending('t', async () => ++fetched);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(fetched, 0);
    assert.equal(await pending, 1);
    assert.equal(await pending, 1, 'fetched once');
  });
});
