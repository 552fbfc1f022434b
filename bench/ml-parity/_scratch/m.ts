import { Worker } from 'node:worker_threads';
console.log(process.execArgv);
const w = new Worker(new URL('./w.ts', import.meta.url));
w.on('error', (e) => console.log('err', e.message));
const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./w.ts', import.meta.url).href)}); })`;
const w2 = new Worker(code, { eval: true });
w2.on('error', (e) => console.log('err2', e.message));
