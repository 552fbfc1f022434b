/** Conformance: the model registry of a TrackingStore (versions, lineage, aliases, history, gates, stages). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegistryRefusedError, TrackingExistsError, TrackingNotFoundError } from '../../src/store/tracking/errors.js';
import type { ModelVersionInput } from '../../src/store/tracking/types.js';
import type { MetadataStore } from '../../src/store/types.js';
import { makeRun } from '../store/metadata-fixtures.js';

type Factory = () => MetadataStore | Promise<MetadataStore>;

const version = (name: string, metrics: Record<string, number>, extra: Partial<ModelVersionInput> = {}): ModelVersionInput => ({
  name,
  createdAt: 1000,
  createdBy: 'ann',
  source: `TrainFlow/r0001/train/3/model`,
  metrics,
  ...extra,
});

export function describeRegistryConformance(label: string, factory: Factory): void {
  const withStore = (body: (store: MetadataStore) => Promise<void>) => async () => {
    const store = await factory();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  void describe(`TrackingStore conformance (registry): ${label}`, () => {
    void it(
      'versions are numbered per model and never reused; lineage round-trips; the code digest comes from the run',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001', { codeDigest: 'feed' }));
        const v1 = await store.tracking.createModelVersion(
          version('churn', { auc: 0.81, nan: NaN, inf: Infinity }, {
            runId: 'r0001',
            pathspec: 'TrainFlow/r0001/train/3',
            artifact: { digest: 'd1', codec: 'ml.LogisticRegression', bytes: 120, type: 'ml.LogisticRegression' },
            inputs: { xTrain: 'aa', yTrain: 'bb' },
            signature: { inputs: [{ name: 'age', type: 'float64' }] },
            example: { digest: 'e1', codec: 'v8', bytes: 30, type: 'object' },
            description: 'first',
            tags: { team: 'growth' },
            token: 'tok-1',
          }),
        );
        assert.deepEqual(v1, {
          name: 'churn',
          version: 1,
          createdAt: 1000,
          updatedAt: 1000,
          createdBy: 'ann',
          description: 'first',
          tags: { team: 'growth' },
          source: 'TrainFlow/r0001/train/3/model',
          runId: 'r0001',
          pathspec: 'TrainFlow/r0001/train/3',
          artifact: { digest: 'd1', codec: 'ml.LogisticRegression', bytes: 120, type: 'ml.LogisticRegression' },
          codeDigest: 'feed',
          inputs: { xTrain: 'aa', yTrain: 'bb' },
          metrics: { auc: 0.81, nan: NaN, inf: Infinity },
          signature: { inputs: [{ name: 'age', type: 'float64' }] },
          example: { digest: 'e1', codec: 'v8', bytes: 30, type: 'object' },
          gate: null,
          aliases: [],
          stage: 'None',
        });
        assert.equal((await store.tracking.createModelVersion(version('churn', {}))).version, 2);
        assert.equal((await store.tracking.createModelVersion(version('other', {}))).version, 1);
        await store.tracking.deleteModelVersion('churn', 2);
        assert.equal((await store.tracking.createModelVersion(version('churn', {}))).version, 3);
        assert.deepEqual((await store.tracking.listModelVersions('churn')).map((v) => v.version), [3, 1]);
        assert.equal((await store.tracking.findVersionByToken('tok-1'))?.version, 1);
        assert.equal((await store.tracking.getModel('churn'))?.lastVersion, 3);
        assert.equal(await store.tracking.getModelVersion('churn', 2), undefined);
      }),
    );

    void it(
      'creating an existing model fails; unknown models and versions are named',
      withStore(async (store) => {
        await store.tracking.createModel({ name: 'churn', createdAt: 1, createdBy: 'ann', description: 'd' });
        await assert.rejects(store.tracking.createModel({ name: 'churn', createdAt: 2, createdBy: 'bo' }), (e: unknown) => e instanceof TrackingExistsError);
        await assert.rejects(store.tracking.deleteModelVersion('churn', 4), (e: unknown) => e instanceof TrackingNotFoundError && /model 'churn' has no version 4/.test(e.message));
        await assert.rejects(store.tracking.listModelVersions('nope'), /registered model 'nope' does not exist/);
        await assert.rejects(store.tracking.changeAlias({ name: 'churn', alias: 'prod', actor: 'a', time: 1 }), /model 'churn' has no alias 'prod'/);
        await assert.rejects(store.tracking.createModel({ name: 'bad name', createdAt: 1, createdBy: 'a' }), /model name "bad name" is not valid/);
        await assert.rejects(store.tracking.createModelVersion(version('bad/name', {})), /model name "bad\/name" is not valid/);
        await assert.rejects(store.tracking.changeAlias({ name: 'churn', alias: 'latest', version: 1, actor: 'a', time: 1 }), /alias name 'latest' is reserved/);
      }),
    );

    void it(
      'aliases move with an audited history, and deleting what an alias points at is refused',
      withStore(async (store) => {
        for (let i = 0; i < 3; i++) await store.tracking.createModelVersion(version('churn', { auc: 0.8 + i / 100 }));
        await store.tracking.changeAlias({ name: 'churn', alias: 'production', version: 1, actor: 'ann', reason: 'first', time: 10 });
        await store.tracking.changeAlias({ name: 'churn', alias: 'production', version: 2, actor: 'bo', reason: 'better auc', time: 20 });
        await store.tracking.changeAlias({ name: 'churn', alias: 'staging', version: 3, actor: 'bo', time: 21 });
        assert.equal(await store.tracking.getAlias('churn', 'production'), 2);
        assert.deepEqual((await store.tracking.getModel('churn'))?.aliases, { production: 2, staging: 3 });
        await assert.rejects(store.tracking.deleteModelVersion('churn', 2), (e: unknown) => e instanceof RegistryRefusedError && /alias 'production' points at/.test(e.message));
        await assert.rejects(store.tracking.deleteModel('churn'), /still has aliases \(production → version 2, staging → version 3\)/);
        const deleted = await store.tracking.changeAlias({ name: 'churn', alias: 'staging', actor: 'cy', reason: 'cleanup', time: 30 });
        assert.equal(deleted.action, 'delete');
        const history = await store.tracking.aliasHistory('churn', 'production');
        assert.deepEqual(
          history.map((h) => [h.fromVersion, h.toVersion, h.action, h.actor, h.reason, h.time]),
          [
            [null, 1, 'set', 'ann', 'first', 10],
            [1, 2, 'set', 'bo', 'better auc', 20],
          ],
        );
        assert.equal((await store.tracking.aliasHistory('churn')).length, 4);
        const stages = Object.fromEntries((await store.tracking.listModelVersions('churn')).map((v) => [v.version, v.stage]));
        assert.deepEqual(stages, { 1: 'Archived', 2: 'Production', 3: 'Archived' });
        await store.tracking.deleteModelVersion('churn', 3);
      }),
    );

    void it(
      'gates: the first version passes on thresholds alone; later ones are compared with the alias; requireGate refuses and audits',
      withStore(async (store) => {
        const gate = { thresholds: { auc: { min: 0.8 } }, vs: { alias: 'production', metric: 'auc', maxRegression: 0.01 } };
        const v1 = await store.tracking.createModelVersion(version('churn', { auc: 0.85 }, { gate, promote: { alias: 'production', requireGate: true }, token: 't1' }));
        assert.equal(v1.gate?.passed, true);
        assert.deepEqual(v1.gate?.reasons, ["no baseline: alias 'production' is not set, so only the thresholds apply"]);
        assert.deepEqual(v1.aliases, ['production']);
        const v2 = await store.tracking.createModelVersion(version('churn', { auc: 0.83 }, { gate, promote: { alias: 'production', requireGate: true }, token: 't2' }));
        assert.equal(v2.gate?.passed, false);
        assert.deepEqual(v2.gate?.baseline, { alias: 'production', version: 1, value: 0.85 });
        assert.deepEqual(v2.gate?.reasons, ["auc = 0.83 regresses from 0.85 (version 1, alias 'production') by more than 0.01"]);
        assert.equal(await store.tracking.getAlias('churn', 'production'), 1);
        const refused = await store.tracking.findAliasChangeByToken('t2');
        assert.equal(refused?.action, 'refused');
        assert.match(refused!.reason, /refused: its gate failed: auc = 0\.83 regresses/);
        const v3 = await store.tracking.createModelVersion(version('churn', { auc: 0.845 }, { gate }));
        assert.equal(v3.gate?.passed, true);
        const moved = await store.tracking.changeAlias({ name: 'churn', alias: 'production', version: 3, requireGate: true, actor: 'ann', time: 50 });
        assert.deepEqual([moved.action, moved.fromVersion, moved.toVersion], ['set', 1, 3]);
        const noVerdict = await store.tracking.createModelVersion(version('churn', { auc: 0.99 }));
        const refusedAgain = await store.tracking.changeAlias({ name: 'churn', alias: 'production', version: noVerdict.version, requireGate: true, actor: 'ann', time: 60 });
        assert.equal(refusedAgain.action, 'refused');
        assert.match(refusedAgain.reason, /no gate verdict/);
        const later = await store.tracking.evaluateGate('churn', 2, { thresholds: { auc: { min: 0.9 }, f1: { min: 0.5 } } }, 70);
        assert.deepEqual(later.reasons, ['auc = 0.83 is below the minimum 0.9', "metric 'f1' is missing from the candidate (threshold min 0.5)"]);
        assert.equal((await store.tracking.getModelVersion('churn', 2))?.gate?.evaluatedAt, 70);
      }),
    );

    void it(
      'registration and alias ops in a batch: applied in order, failures audited without failing the batch',
      withStore(async (store) => {
        await store.createRun(makeRun('r0001', { codeDigest: 'abc' }));
        await store.write([
          { op: 'model-version', version: version('churn', { auc: 0.9 }, { runId: 'r0001', token: 'reg-1' }) },
          { op: 'alias', change: { name: 'churn', alias: 'champion', versionToken: 'reg-1', actor: 'TrainFlow/r0001/register/4', time: 5, token: 'al-1' } },
          { op: 'alias', change: { name: 'churn', alias: 'champion', version: 9, actor: 'x', time: 6, token: 'al-2' } },
          { op: 'alias', change: { name: 'ghost', alias: 'champion', version: 1, actor: 'x', time: 7, token: 'al-3' } },
          { op: 'event', runId: 'r0001', time: 8, kind: 'still-written', payload: {} },
        ]);
        assert.equal(await store.tracking.getAlias('churn', 'champion'), 1);
        assert.equal((await store.tracking.findVersionByToken('reg-1'))?.codeDigest, 'abc');
        assert.equal((await store.tracking.findAliasChangeByToken('al-1'))?.action, 'set');
        assert.match((await store.tracking.findAliasChangeByToken('al-2'))!.reason, /model 'churn' has no version 9/);
        assert.match((await store.tracking.findAliasChangeByToken('al-3'))!.reason, /registered model 'ghost' does not exist/);
        assert.ok((await store.listEvents({ runId: 'r0001' })).some((e) => e.kind === 'still-written'));
        await store.write([{ op: 'model-version', version: version('churn', { auc: 0.1 }, { runId: 'r0001', token: 'reg-1' }) }]);
        assert.equal((await store.tracking.listModelVersions('churn')).length, 1, 'a registration delivered twice is applied once');
        await assert.rejects(store.write([{ op: 'model-version', version: version('bad name!', {}) }]), /write op 0 \(registration of model 'bad name!'\) failed.*model name "bad name!" is not valid/);
      }),
    );

    void it(
      'searches models and versions with filters and pages',
      withStore(async (store) => {
        await store.tracking.createModel({ name: 'churn', createdAt: 1, createdBy: 'a', tags: { team: 'growth' } });
        await store.tracking.createModel({ name: 'churn-v2', createdAt: 2, createdBy: 'a' });
        await store.tracking.createModel({ name: 'fraud', createdAt: 3, createdBy: 'a', tags: { team: 'risk' } });
        const names = async (filter?: string) => (await store.tracking.searchModels({ filter })).items.map((m) => m.name);
        assert.deepEqual(await names(), ['churn', 'churn-v2', 'fraud']);
        assert.deepEqual(await names("name LIKE 'churn%'"), ['churn', 'churn-v2']);
        assert.deepEqual(await names("tags.team = 'risk' or name = 'churn'"), ['churn', 'fraud']);
        const page = await store.tracking.searchModels({ limit: 2 });
        assert.deepEqual(page.items.map((m) => m.name), ['churn', 'churn-v2']);
        assert.deepEqual((await store.tracking.searchModels({ limit: 2, pageToken: page.nextPageToken! })).items.map((m) => m.name), ['fraud']);
        for (const auc of [0.7, 0.8, 0.9]) await store.tracking.createModelVersion(version('churn', { auc }, { runId: auc === 0.9 ? 'rX' : null }));
        const versions = async (filter: string) => (await store.tracking.searchModelVersions({ filter })).items.map((v) => `${v.name}/${v.version}`);
        assert.deepEqual(await versions("name = 'churn'"), ['churn/3', 'churn/2', 'churn/1']);
        assert.deepEqual(await versions("name = 'churn' and metrics.auc >= 0.8"), ['churn/3', 'churn/2']);
        assert.deepEqual(await versions("run_id = 'rX'"), ['churn/3']);
        assert.deepEqual(await versions('version < 2'), ['churn/1']);
        await store.tracking.updateModelVersion('churn', 1, { description: 'old', tags: { stale: 'yes' }, time: 9 });
        assert.deepEqual(await versions("tags.stale = 'yes'"), ['churn/1']);
        const updated = await store.tracking.updateModel('churn', { description: 'Churn model', time: 10 });
        assert.deepEqual([updated.description, updated.tags, updated.updatedAt], ['Churn model', { team: 'growth' }, 10]);
        await store.tracking.deleteModel('fraud');
        assert.equal(await store.tracking.getModel('fraud'), undefined);
      }),
    );
  });
}
