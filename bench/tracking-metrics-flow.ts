/** One task that does a fixed amount of work and, when `log` is set, logs a metric point per iteration. */
import { flow, param } from '../src/index.js';

export default flow('TrackingMetricsBench', { params: { points: param.int({ default: 100_000 }), log: param.boolean({ default: true }) } })
  .step('start', ({ params, log }) => {
    let acc = 0;
    for (let i = 0; i < params.points; i++) {
      acc += Math.sqrt(i + 1);
      if (params.log) log.metric('loss', 1 / acc, { step: i });
    }
    return { acc };
  })
  .step('end');
