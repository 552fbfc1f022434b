import { flow, param } from '../../src/index.js';

// Step `make` returns a big Float64Array; `use` reads it. Both record wall-clock stamps so the
// benchmark can time store → commit → dispatch → load, excluding the array's creation.
export default flow('BigArtifact', { params: { mb: param.int({ default: 100 }) } })
  .step('start')
  .step('make', ({ params }) => {
    const data = new Float64Array((params.mb * 1024 * 1024) / 8);
    for (let i = 0; i < data.length; i++) data[i] = i;
    return { data, returnedAt: Date.now() };
  })
  .step('use', ({ data }) => {
    const loadedAt = Date.now();
    return { loadedAt, length: data.length, last: data[data.length - 1] };
  })
  .step('end');
