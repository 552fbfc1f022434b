/**
 * Taxi trip duration: the classic training pipeline with tracking and the model registry.
 *
 *   start → extract → validate → transform → features → train → evaluate → register → promote → end
 *
 * Every step logs what it did (params, metrics, a loss curve). `register` records the fitted
 * pipeline as a new version of `taxi-duration` with its lineage, metrics, signature and an example
 * input, gated against whatever `production` points at now: absolute RMSE bound, and no more than
 * `maxRegression` minutes worse than production. `promote` moves `production` only if the gate
 * passed. The first run has no baseline and is gated on the bound alone; the next runs are compared
 * with it. See README.md.
 */
import { flow, param } from 'sluice';
import { ColumnTransformer, GradientBoostingRegressor, OneHotEncoder, Pipeline, Random, StandardScaler, mae, r2, rmse } from 'sluice/ml';
import { generateTrips, isRush } from './data.js';

const NUMERIC = ['distance_km', 'log_distance', 'hour', 'weekday', 'passengers', 'rush_hour', 'weekend'];
const CATEGORICAL = ['zone', 'weather'];
const MODEL = 'taxi-duration';

export default flow('TaxiDuration', {
  params: {
    trips: param.int({ default: 20_000, min: 500, help: 'synthetic trips to generate' }),
    seed: param.int({ default: 7, help: 'seed of the data and the model' }),
    learningRate: param.float({ default: 0.1, help: 'gradient boosting learning rate' }),
    maxIter: param.int({ default: 100, min: 1, help: 'boosting iterations' }),
    maxInvalidRate: param.float({ default: 0.05, help: 'validate fails above this share of broken rows' }),
    maxRmse: param.float({ default: 6, help: 'gate: highest acceptable test RMSE (minutes)' }),
    maxRegression: param.float({ default: 0.25, help: 'gate: how many minutes worse than production is acceptable' }),
  },
})
  .step('start', ({ params }) => {
    console.log(`TaxiDuration: ${params.trips} synthetic trips, gradient boosting (${params.maxIter} iterations at ${params.learningRate})`);
  })
  .step('extract', ({ params, log }) => {
    const trips = generateTrips(params.trips, params.seed);
    log.param('data_source', 'synthetic-trips-v1');
    log.metric('rows_extracted', trips.numRows);
    console.log(`extracted ${trips.numRows} trips (seed ${params.seed})`);
    return { trips };
  })
  .step('validate', ({ trips, params, log }) => {
    const distance = trips.column('distance_km') as Float64Array;
    const duration = trips.column('duration_min') as Float64Array;
    const valid = Array.from({ length: trips.numRows }, (_, i) => distance[i]! > 0 && duration[i]! > 0 && duration[i]! < 300);
    const clean = trips.filter(valid);
    const invalid = trips.numRows - clean.numRows;
    const rate = invalid / trips.numRows;
    log.metrics({ rows_invalid: invalid, invalid_rate: rate });
    if (rate > params.maxInvalidRate) {
      throw new Error(`validate: ${(rate * 100).toFixed(1)}% of trips are broken, above --max-invalid-rate ${params.maxInvalidRate}; look at the source data`);
    }
    console.log(`dropped ${invalid} broken trips (${(rate * 100).toFixed(2)}%)`);
    return { clean };
  })
  .step('transform', ({ clean }) => {
    const distance = clean.column('distance_km') as Float64Array;
    const hour = clean.column('hour') as Float64Array;
    const weekday = clean.column('weekday') as Float64Array;
    const n = clean.numRows;
    const trips = clean
      .withColumn('log_distance', Float64Array.from({ length: n }, (_, i) => Math.log1p(distance[i]!)))
      .withColumn('rush_hour', Float64Array.from({ length: n }, (_, i) => (isRush(hour[i]!, weekday[i]!) ? 1 : 0)))
      .withColumn('weekend', Float64Array.from({ length: n }, (_, i) => (weekday[i]! >= 5 ? 1 : 0)));
    return { prepared: trips };
  })
  .step('features', ({ prepared, params, log }) => {
    const order = new Random(params.seed).permutation(prepared.numRows);
    const cut = Math.floor(prepared.numRows * 0.8);
    const train = prepared.take(order.subarray(0, cut));
    const test = prepared.take(order.subarray(cut));
    const features = [...NUMERIC, ...CATEGORICAL];
    log.param('features', features);
    log.metrics({ train_rows: train.numRows, test_rows: test.numRows });
    return {
      xTrain: train.select(features),
      yTrain: train.column('duration_min') as Float64Array,
      xTest: test.select(features),
      yTest: test.column('duration_min') as Float64Array,
    };
  })
  .step('train', ({ xTrain, yTrain, params, log }) => {
    const booster = new GradientBoostingRegressor({ learningRate: params.learningRate, maxIter: params.maxIter, seed: params.seed, earlyStopping: true });
    const model = new Pipeline([
      ['prep', new ColumnTransformer([['num', new StandardScaler(), NUMERIC], ['cat', new OneHotEncoder({ handleUnknown: 'ignore' }), CATEGORICAL]])],
      ['model', booster],
    ]).fit(xTrain, yTrain);
    log.params({ model: 'GradientBoostingRegressor', learning_rate: params.learningRate, max_iter: params.maxIter });
    booster.trainLoss.forEach((loss, step) => log.metric('train_loss', loss, { step }));
    booster.validationLoss.forEach((loss, step) => log.metric('validation_loss', loss, { step }));
    log.metric('iterations', booster.nIter);
    console.log(`trained ${booster.nIter} boosting iterations`);
    return { model };
  })
  .step('evaluate', ({ model, xTest, yTest, log }) => {
    const predicted = model.predict(xTest) as Float64Array;
    const metrics = { rmse: rmse(yTest, predicted), mae: mae(yTest, predicted), r2: r2(yTest, predicted) };
    log.metrics(metrics);
    console.log(`test RMSE ${metrics.rmse.toFixed(3)} min, MAE ${metrics.mae.toFixed(3)} min, R² ${metrics.r2.toFixed(4)}`);
    return { metrics };
  })
  .step('register', async ({ model, metrics, xTest, params, registerModel }) => {
    const version = await registerModel(MODEL, model, {
      metrics,
      inputExample: xTest.head(5),
      // Lineage: the data the model was trained and tested on (by content digest).
      inputs: ['trips', 'xTrain', 'yTrain', 'xTest', 'yTest'],
      description: 'minutes per trip from hour, weekday, distance, passengers, zone and weather',
      tags: { task: 'regression', target: 'duration_min' },
      gate: {
        thresholds: { rmse: { max: params.maxRmse } },
        vs: { alias: 'production', metric: 'rmse', maxRegression: params.maxRegression, better: 'lower' },
      },
    });
    const gate = version.gate!;
    const against = gate.baseline ? `version ${gate.baseline.version} (production, RMSE ${gate.baseline.value.toFixed(3)})` : 'no production version yet';
    console.log(`registered ${MODEL} version ${version.version}; gate ${gate.passed ? 'PASSED' : 'FAILED'} against ${against}`);
    for (const reason of gate.reasons) console.log(`  ${reason}`);
    return { version: version.version, gatePassed: gate.passed };
  })
  .step('promote', async ({ version, gatePassed, registerModel }) => {
    if (!gatePassed) {
      console.log(`production unchanged: version ${version} did not pass its gate`);
      return { promoted: false };
    }
    const moved = await registerModel.promote(MODEL, version, 'production', { requireGate: true, reason: 'passed the gate in TaxiDuration' });
    console.log(`production: ${moved.fromVersion === null ? 'unset' : `version ${moved.fromVersion}`} → version ${version}`);
    return { promoted: true };
  })
  .step('end', ({ version, promoted, metrics, current }) => {
    console.log(`${MODEL} version ${version}: RMSE ${metrics.rmse.toFixed(3)} min, ${promoted ? 'now production' : 'not promoted'}`);
    console.log(`inspect: sluice metrics ${current.flow}/${current.runId}; sluice models show ${MODEL}; sluice models alias history ${MODEL}`);
  });
