import { flow } from '../../src/index.js';

// A 1,000-item foreach whose join fails while BENCH_FAIL_JOIN is set.
export default flow('Resume1000')
  .step('start', () => ({ items: Array.from({ length: 1000 }, (_, i) => i) }))
  .foreach('work', { over: 'items' }, ({ item }) => ({ out: item * 2 }))
  .join('join', ({ inputs }) => {
    if (process.env.BENCH_FAIL_JOIN) throw new Error('join fails (injected)');
    return { total: inputs.reduce((s, i) => s + i.out, 0) };
  })
  .step('end');
