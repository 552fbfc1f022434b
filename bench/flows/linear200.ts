import { flow, type Flow } from '../../src/index.js';

// 200 no-op steps in a line (start, 198 middle steps, end).
let f: Flow<any, any, any> = flow('Linear200').step('start');
for (let i = 1; i <= 198; i++) f = f.step(`s${i}`);
export default f.step('end');
