import { flow } from '../../src/index.js';

// 8 tasks each declaring 6,000 MiB (and a quarter CPU, so memory is what limits them).
export default flow('Admission8')
  .step('start', () => ({ items: Array.from({ length: 8 }, (_, i) => i) }))
  .foreach('big', { over: 'items', resources: { memoryMiB: 6000, cpu: 0.25 } }, async () => {
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { span: [from, Date.now()] };
  })
  .join('join', ({ inputs }) => ({ spans: inputs.map((i) => i.span) }))
  .step('end');
