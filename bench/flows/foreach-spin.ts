import { flow, param } from '../../src/index.js';

// An N-item foreach whose items each spin the CPU for `ms` milliseconds and (with `result`) return a small value.
export default flow('ForeachSpin', { params: { n: param.int({ default: 10_000 }), ms: param.float({ default: 1 }), result: param.boolean({ default: true }) } })
  .step('start', ({ params }) => ({ items: Array.from({ length: params.n }, (_, i) => i), ms: params.ms, result: params.result }))
  .foreach('work', { over: 'items' }, ({ item, ms, result }) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
    return result ? { y: item * 2 } : {};
  })
  .join('join', ({ inputs }) => ({ total: inputs.reduce((s, i) => s + (i.$has('y') ? i.$artifact<number>('y') : 0), 0), count: inputs.length }))
  .step('end');
