/**
 * The robust ML flow: four training jobs fan out; each fails in its own way and the flow still
 * finishes with a useful result.
 *
 *   start ─ fetch (circuit breaker around a flaky API) ─ route (foreach over jobs, switch per kind)
 *       ├─ crashy : the worker dies at random           → retried with exponential backoff + jitter
 *       ├─ hungry : allocates past its 300 MiB limit     → killed, retried once, then caught
 *       ├─ slow   : a CPU-bound loop past its timeout    → killed after 2 s, caught
 *       └─ steady : trains normally
 *   report (join: failure report + the partial results) ─ end
 *
 * Run: sluice run examples/robust-training/flow.ts   (see README.md)
 */
import { flow, param } from 'sluice';
import { LogisticRegression, accuracy, makeClassification } from 'sluice/ml';

/** A data API that fails its first `failures` calls (as a real one would during an outage). */
function flakyApi(failures: number) {
  let calls = 0;
  return async (): Promise<number[]> => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (calls <= failures) throw new Error(`data API unavailable (call ${calls})`);
    return [101, 202, 303];
  };
}

function train(seed: number): { accuracy: number } {
  const { x, y } = makeClassification({ nSamples: 2000, nFeatures: 10, nInformative: 5, seed });
  const model = new LogisticRegression({ C: 1 }).fit(x, Array.from(y));
  return { accuracy: accuracy(Array.from(y), model.predict(x)) };
}

export default flow('RobustTraining', {
  params: {
    crashRate: param.float({ default: 0.5, min: 0, max: 1, help: 'chance that each crashy attempt dies' }),
    apiFailures: param.int({ default: 3, min: 0, help: 'calls the flaky data API fails before recovering' }),
  },
})
  .step('start', () => ({ jobs: ['crashy', 'hungry', 'slow', 'steady'] }))
  .step('fetch', async ({ breaker, params }) => {
    // The breaker opens after 2 consecutive failures, fails fast while open, and lets one probe
    // through after 300 ms. Every state change is logged and recorded as a run event.
    const api = breaker('data-api', { failureThreshold: 2, cooldownMs: 300 });
    const call = flakyApi(params.apiFailures);
    for (let attempt = 1; ; attempt++) {
      try {
        const seeds = await api.call(call);
        console.log(`fetched seeds after ${attempt} attempts`);
        return { seeds };
      } catch (error) {
        console.log(`attempt ${attempt}: ${(error as Error).message}`);
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  })
  .foreach('route', { over: 'jobs', switch: { on: 'kind', cases: { crashy: 'crashy', hungry: 'hungry', slow: 'slow', steady: 'steady' } } }, ({ item }) => ({
    kind: item,
  }))
  .step(
    'crashy',
    ({ params, seeds, current }) => {
      if (Math.random() < params.crashRate) {
        console.log(`attempt ${current.attempt}: crashing`);
        process.kill(process.pid, 'SIGKILL');
      }
      return { result: { job: 'crashy', attempts: current.attempt + 1, ...train(seeds[0]!) } };
    },
    { retry: { times: 5, backoff: 'exponential', delay: 0.1, maxDelay: 2, jitter: 0.2 }, catch: { as: 'failure' }, next: 'report' },
  )
  .step(
    'hungry',
    async () => {
      const hoard: Buffer[] = [];
      for (;;) {
        hoard.push(Buffer.alloc(64 * 1024 * 1024, 1));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    { resources: { memoryMiB: 300 }, retry: { times: 1, delay: 0.1 }, catch: { as: 'failure' }, next: 'report' },
  )
  .step(
    'slow',
    () => {
      for (;;) {
        // stuck: never yields, so only killing the worker can stop it
      }
    },
    { timeout: { seconds: 2 }, catch: { as: 'failure' }, next: 'report' },
  )
  .step('steady', ({ seeds }) => ({ result: { job: 'steady', attempts: 1, ...train(seeds[1]!) } }), { next: 'report' })
  .join('report', ({ inputs }) => {
    const failures = inputs
      .filter((i) => i.$has('failure'))
      .map((i) => {
        const failure = i.$artifact<{ type: string; message: string }>('failure');
        return { job: i.$step, type: failure.type, message: failure.message };
      });
    const results = inputs.filter((i) => i.$has('result')).map((i) => i.$artifact<{ job: string; attempts: number; accuracy: number }>('result'));
    console.log('failure report:');
    for (const f of failures) console.log(`  ✗ ${f.job}: ${f.type}: ${f.message}`);
    for (const r of results) console.log(`  ✓ ${r.job}: accuracy ${r.accuracy.toFixed(3)} after ${r.attempts} attempt(s)`);
    const best = results.reduce<(typeof results)[number] | undefined>((a, b) => (!a || b.accuracy > a.accuracy ? b : a), undefined);
    return { failureReport: failures, results, best: best ?? null };
  })
  .step('end', ({ failureReport, results, best }) => {
    console.log(`${results.length} of ${results.length + failureReport.length} jobs produced a model; best: ${best ? `${best.job} (${best.accuracy.toFixed(3)})` : 'none'}`);
  });
