import { flow, param } from '../../src/index.js';

/** ~`ms` milliseconds of real floating-point work, calibrated by iterations. */
function burn(iterations: number): number {
  let acc = 0;
  for (let i = 1; i <= iterations; i++) acc += Math.sqrt(i) * Math.sin(i);
  return acc;
}

export default flow('CpuForeach', { params: { tasks: param.int({ default: 20 }), iterations: param.int() } })
  .step('start', ({ params }) => ({ jobs: Array.from({ length: params.tasks }, (_, i) => i) }))
  .foreach('work', { over: 'jobs' }, ({ params }) => ({ acc: burn(params.iterations) }))
  .join('join', ({ inputs }) => ({ total: inputs.reduce((s, i) => s + i.acc, 0) }))
  .step('end');
