import { flow, param } from '../../src/index.js';

// An N-item no-op foreach.
export default flow('ForeachNoop', { params: { n: param.int({ default: 10_000 }) } })
  .step('start', ({ params }) => ({ items: Array.from({ length: params.n }, (_, i) => i) }))
  .foreach('noop', { over: 'items' }, () => {})
  .join('join', ({ inputs }) => ({ count: inputs.length }))
  .step('end');
