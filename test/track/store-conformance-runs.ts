/** Conformance: params, metrics, tags and run search of a TrackingStore. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamConflictError, TrackingNotFoundError } from '../../src/store/tracking/errors.js';
import { FilterError } from '../../src/store/tracking/filter.js';
import type { MetadataStore } from '../../src/store/types.js';
import { makeRun } from '../store/metadata-fixtures.js';

type Factory = () => MetadataStore | Promise<MetadataStore>;

export function describeRunTrackingConformance(label: string, factory: Factory): void {
  const withStore = (body: (store: MetadataStore) => Promise<void>) => async () => {
    const store = await factory();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  void describe(`TrackingStore conformance (runs): ${label}`, () => {
    void it(
      'records flow params at run creation, typed, and logged params beside them',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001'));
        await store.tracking.logParams('r0001', [{ key: 'lr', value: 0.1 }, { key: 'model', value: 'rf' }], { time: 5 });
        const params = await store.tracking.getParams('r0001');
        assert.deepEqual(
          params.map((p) => [p.key, p.value, p.text, p.source]),
          [
            ['lr', 0.1, '0.1', 'api'],
            ['model', 'rf', 'rf', 'api'],
            ['name', 'x', 'x', 'flow'],
            ['nested', { list: [1, 2], flag: true, none: null }, '{"list":[1,2],"flag":true,"none":null}', 'flow'],
            ['size', 10, '10', 'flow'],
          ],
        );
      }),
    );

    void it(
      'params are immutable: the same value again is fine, a different one fails naming the key and both values, writing nothing',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001'));
        await store.tracking.logParams('r0001', [{ key: 'lr', value: 0.1 }]);
        await store.tracking.logParams('r0001', [{ key: 'lr', value: '0.1' }]);
        await assert.rejects(store.tracking.logParams('r0001', [{ key: 'depth', value: 3 }, { key: 'lr', value: 0.2 }]), (error: unknown) => {
          assert.ok(error instanceof ParamConflictError);
          assert.match(error.message, /param 'lr' of run r0001 is already "0\.1"; it cannot change to "0\.2"/);
          return true;
        });
        assert.deepEqual((await store.tracking.getParams('r0001')).map((p) => p.key), ['lr', 'name', 'nested', 'size']);
        await assert.rejects(store.tracking.logParams('r0001', [{ key: 'size', value: 11 }]), /param 'size' of run r0001 is already "10"/);
      }),
    );

    void it(
      'a params op with a conflict keeps the first value and records a param-conflict event, without failing the batch',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001'));
        await store.write([
          { op: 'params', runId: 'r0001', taskId: 2, time: 10, source: 'logged', params: [{ key: 'lr', value: 0.1 }] },
          { op: 'params', runId: 'r0001', taskId: 3, time: 11, source: 'logged', params: [{ key: 'lr', value: 0.5 }, { key: 'seed', value: 7 }] },
          { op: 'event', runId: 'r0001', time: 12, kind: 'after', payload: {} },
        ]);
        const params = await store.tracking.getParams('r0001');
        assert.deepEqual(params.find((p) => p.key === 'lr'), { key: 'lr', value: 0.1, text: '0.1', type: 'number', source: 'logged', taskId: 2, loggedAt: 10 });
        assert.equal(params.find((p) => p.key === 'seed')?.value, 7);
        const events = await store.listEvents({ runId: 'r0001' });
        const conflict = events.find((e) => e.kind === 'param-conflict');
        assert.deepEqual(
          { taskId: conflict?.payload.taskId, key: conflict?.payload.key, kept: conflict?.payload.kept, rejected: conflict?.payload.rejected },
          { taskId: 3, key: 'lr', kept: '0.1', rejected: '0.5' },
        );
        assert.ok(events.some((e) => e.kind === 'after'));
      }),
    );

    void it(
      'writes to a run that does not exist fail naming it',
      withStore(async (store) => {
        await assert.rejects(store.tracking.logParams('nope', [{ key: 'a', value: 1 }]), (e: unknown) => e instanceof TrackingNotFoundError && /run nope does not exist/.test(e.message));
        await assert.rejects(store.write([{ op: 'metrics', runId: 'nope', taskId: 1, points: [{ key: 'a', value: 1, step: 0, timestamp: 1 }] }]), /run nope does not exist/);
        await store.createRun(makeRun('r0001'));
        await assert.rejects(store.tracking.logParams('r0001', [{ key: 'bad key!', value: 1 }]), /param key 'bad key!' may only contain/);
      }),
    );

    void it(
      'metric histories keep NaN and ±Infinity; the summary is the latest by step then timestamp, with min/max over non-NaN values',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001'));
        await store.write([
          {
            op: 'metrics',
            runId: 'r0001',
            taskId: 2,
            points: [
              { key: 'loss', value: 0.9, step: 0, timestamp: 100 },
              { key: 'loss', value: NaN, step: 1, timestamp: 101 },
              { key: 'loss', value: 0.4, step: 3, timestamp: 102 },
              { key: 'edge', value: Infinity, step: 0, timestamp: 100 },
              { key: 'edge', value: -Infinity, step: 1, timestamp: 100 },
            ],
          },
        ]);
        await store.write([{ op: 'metrics', runId: 'r0001', taskId: 5, points: [{ key: 'loss', value: 0.2, step: 2, timestamp: 200 }, { key: 'loss', value: 0.3, step: 3, timestamp: 150 }] }]);
        const history = await store.tracking.getMetricHistory('r0001', 'loss');
        assert.deepEqual(
          history.map((p) => [p.step, p.value, p.taskId]),
          [
            [0, 0.9, 2],
            [1, NaN, 2],
            [2, 0.2, 5],
            [3, 0.4, 2],
            [3, 0.3, 5],
          ],
        );
        const [edge, loss] = await store.tracking.getMetricSummaries('r0001');
        assert.deepEqual(loss, { key: 'loss', value: 0.3, step: 3, timestamp: 150, taskId: 5, min: 0.2, max: 0.9, count: 5 });
        assert.deepEqual(edge, { key: 'edge', value: -Infinity, step: 1, timestamp: 100, taskId: 2, min: -Infinity, max: Infinity, count: 2 });
        assert.deepEqual((await store.tracking.getMetricHistory('r0001', 'loss', { taskId: 5 })).map((p) => p.value), [0.2, 0.3]);
        assert.deepEqual((await store.tracking.getMetricHistory('r0001', 'loss', { offset: 1, limit: 2 })).map((p) => p.step), [1, 2]);
        assert.deepEqual(await store.tracking.getMetricKeys('r0001'), ['edge', 'loss']);
      }),
    );

    void it(
      'a metric whose values are all NaN reports NaN latest, min and max',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001'));
        await store.tracking.logMetrics('r0001', [{ key: 'x', value: NaN, step: 0, timestamp: 1 }]);
        const [x] = await store.tracking.getMetricSummaries('r0001');
        assert.ok(Number.isNaN(x!.value) && Number.isNaN(x!.min) && Number.isNaN(x!.max));
        assert.equal(x!.count, 1);
      }),
    );

    void it(
      'key/value tags beside Sluice string tags (key:value); key/value tags win; deleting one',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001', { tags: ['nightly', 'team:vision'] }));
        await store.tracking.setRunTags('r0001', [{ key: 'owner', value: 'bo' }, { key: 'team', value: 'ml' }]);
        assert.deepEqual(await store.tracking.getRunTags('r0001'), { nightly: '', owner: 'bo', runtime: 'local', team: 'ml', user: 'ann' });
        assert.equal(await store.tracking.deleteRunTag('r0001', 'owner'), true);
        assert.equal(await store.tracking.deleteRunTag('r0001', 'owner'), false);
        assert.equal((await store.tracking.getRunTags('r0001')).owner, undefined);
      }),
    );

    /** Four runs: r1 rf/0.9, r2 rf/0.7, r3 lr/0.95 (team x), r4 with no metric. */
    const seed = async (store: MetadataStore): Promise<void> => {
      const runs: [string, string, number | undefined, string, number][] = [
        ['r0001', 'rf', 0.9, 'succeeded', 1000],
        ['r0002', 'rf', 0.7, 'failed', 2000],
        ['r0003', 'lr', 0.95, 'succeeded', 3000],
        ['r0004', 'lr', undefined, 'running', 4000],
      ];
      for (const [runId, model, auc, status, createdAt] of runs) {
        await store.createRun(makeRun(runId, { status: status as 'running', createdAt, params: { model }, tags: runId === 'r0003' ? ['team:x'] : [] }));
        if (auc !== undefined) await store.tracking.logMetrics(runId, [{ key: 'auc', value: auc, step: 0, timestamp: createdAt }]);
      }
      await store.tracking.setRunTags('r0001', [{ key: 'team', value: 'x' }, { key: 'note', value: 'Baseline RF' }]);
    };
    const ids = async (store: MetadataStore, filter: string, more: { orderBy?: string[] } = {}): Promise<string[]> =>
      (await store.tracking.searchRuns({ filter, ...more })).runs.map((r) => r.runId);

    void it(
      'searches with MLflow filters plus or and parentheses; runs missing the named metric never match',
      withStore(async (store) => {
        await seed(store);
        assert.deepEqual(await ids(store, "metrics.auc > 0.8 and params.model = 'rf' and tags.team = 'x'"), ['r0001']);
        assert.deepEqual(await ids(store, 'metrics.auc > 0.8'), ['r0003', 'r0001']);
        assert.deepEqual(await ids(store, 'metrics.auc != 0.9'), ['r0003', 'r0002']);
        assert.deepEqual(await ids(store, "params.model = 'rf' or metrics.auc >= 0.95"), ['r0003', 'r0002', 'r0001']);
        assert.deepEqual(await ids(store, "(params.model = 'lr' or metrics.auc < 0.8) and attributes.status != 'RUNNING'"), ['r0003', 'r0002']);
        assert.deepEqual(await ids(store, "attributes.status = 'FINISHED'"), ['r0003', 'r0001']);
        assert.deepEqual(await ids(store, "status = 'succeeded'"), ['r0003', 'r0001']);
        assert.deepEqual(await ids(store, "tags.team = 'x'"), ['r0003', 'r0001']);
        assert.deepEqual(await ids(store, "tags.note LIKE 'Base%'"), ['r0001']);
        assert.deepEqual(await ids(store, "tags.note LIKE 'base%'"), []);
        assert.deepEqual(await ids(store, "tags.note ILIKE 'base%'"), ['r0001']);
        assert.deepEqual(await ids(store, "params.model IN ('lr', 'svm')"), ['r0004', 'r0003']);
        assert.deepEqual(await ids(store, "params.model NOT IN ('lr')"), ['r0002', 'r0001']);
        assert.deepEqual(await ids(store, "tags.note NOT LIKE 'x%'"), ['r0001']);
        assert.deepEqual(await ids(store, 'attributes.start_time >= 2000 and attributes.start_time < 4000'), ['r0003', 'r0002']);
        assert.deepEqual(await ids(store, "attributes.run_id = 'r0002'"), ['r0002']);
        assert.deepEqual(await ids(store, 'params.size = 10'), []);
      }),
    );

    void it(
      'orders by a metric with runs missing it last, and pages with tokens tied to the query',
      withStore(async (store) => {
        await seed(store);
        assert.deepEqual(await ids(store, 'order by metrics.auc desc'), ['r0003', 'r0001', 'r0002', 'r0004']);
        assert.deepEqual(await ids(store, '', { orderBy: ['metrics.auc ASC'] }), ['r0002', 'r0001', 'r0003', 'r0004']);
        assert.deepEqual(await ids(store, "params.model = 'rf' order by attributes.start_time asc"), ['r0001', 'r0002']);
        const first = await store.tracking.searchRuns({ orderBy: ['metrics.auc DESC'], limit: 3 });
        assert.deepEqual(first.runs.map((r) => r.runId), ['r0003', 'r0001', 'r0002']);
        assert.ok(first.nextPageToken);
        const second = await store.tracking.searchRuns({ orderBy: ['metrics.auc DESC'], limit: 3, pageToken: first.nextPageToken });
        assert.deepEqual(second.runs.map((r) => r.runId), ['r0004']);
        assert.equal(second.nextPageToken, null);
        await assert.rejects(store.tracking.searchRuns({ limit: 3, pageToken: first.nextPageToken }), /page token belongs to a different query/);
        await assert.rejects(store.tracking.searchRuns({ pageToken: 'garbage' }), /not one this server issued|malformed/);
      }),
    );

    void it(
      'bad filters fail pointing at the offending token',
      withStore(async (store) => {
        const check = async (filter: string, column: number, pattern: RegExp): Promise<void> => {
          await assert.rejects(store.tracking.searchRuns({ filter }), (error: unknown) => {
            assert.ok(error instanceof FilterError, `${filter}: ${String(error)}`);
            assert.equal(error.pos + 1, column, `${filter}: ${error.message}`);
            assert.match(error.message, pattern);
            return true;
          });
        };
        await check("metrics.auc > 0.8 and params.model foo 'rf'", 36, /expected a comparison \(=, !=.*found 'foo'/);
        await check('metrics.auc > 0.8 and', 22, /expected a name .* found the end of the filter/);
        await check("metrix.auc > 1", 1, /unknown prefix 'metrix'/);
        await check("metrics.auc = 'high'", 15, /metrics\.auc is a number: compare it with a number/);
        await check('params.lr > 1', 11, /params\.lr is compared as a string/);
        await check("(metrics.auc > 1 or params.a = 'b'", 35, /expected '\)' to close the '\(' at column 1/);
        await check('attributes.colour = 1', 1, /unknown attribute 'colour'/);
        await check("tags.x = 'unterminated", 10, /unterminated string/);
        await assert.rejects(store.tracking.searchRuns({ filter: 'metrics.a > 1 and' }), /\n {2}metrics\.a > 1 and\n {19}\^/);
      }),
    );

    void it(
      'deleted runs are hidden from active searches and can be restored',
      withStore(async (store) => {
        await seed(store);
        await store.tracking.setRunDeleted('r0002', true, 99);
        assert.deepEqual(await ids(store, "params.model = 'rf'"), ['r0001']);
        assert.deepEqual((await store.tracking.searchRuns({ view: 'deleted' })).runs.map((r) => r.runId), ['r0002']);
        assert.equal((await store.tracking.getRunData(['r0002'])).get('r0002')?.deletedAt, 99);
        await store.tracking.setRunDeleted('r0002', false);
        assert.deepEqual(await ids(store, "params.model = 'rf'"), ['r0002', 'r0001']);
        assert.deepEqual((await store.tracking.searchRuns({ flows: ['Other'] })).runs, []);
      }),
    );

    void it(
      'getRunData returns params, summaries and tags of many runs',
      withStore(async (store) => {
        await seed(store);
        const data = await store.tracking.getRunData(['r0001', 'r0003', 'missing']);
        assert.deepEqual([...data.keys()].sort(), ['r0001', 'r0003']);
        assert.equal(data.get('r0001')!.metrics[0]!.value, 0.9);
        assert.equal(data.get('r0003')!.params.find((p) => p.key === 'model')!.value, 'lr');
        assert.equal(data.get('r0003')!.tags.team, 'x');
      }),
    );

    void it(
      'experiment (flow) tags',
      withStore(async (store) => {
        await store.tracking.setFlowTags('NewFlow', [{ key: 'owner', value: 'ann' }], 5);
        await store.tracking.setFlowTags('NewFlow', [{ key: 'owner', value: 'bo' }]);
        assert.deepEqual(await store.tracking.getFlowTags('NewFlow'), { owner: 'bo' });
        assert.deepEqual((await store.listFlows()).map((f) => f.name), ['NewFlow']);
      }),
    );
  });
}
