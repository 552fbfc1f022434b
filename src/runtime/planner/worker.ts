/**
 * Entry of a map worker thread: imports the modules that define parallel functions (on request),
 * then runs chunks of items through them and sends the results back. Started by pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { FromMapWorker, ToMapWorker } from './messages.js';
import { toWireError } from './messages.js';
import { isThenable, lookupParallel, markMapWorker, moduleKey, parallelNamesIn } from './parallel.js';
import { decodeFromTransfer, encodeForTransfer, scan, transferProblem } from './transport.js';

markMapWorker();
const port = parentPort!;
const shared = new Map<number, unknown>();
/** Maps that have ended (recent ones): a chunk of theirs still queued here was run by the main thread. */
const ended = new Set<number>();
const ENDED_KEPT = 256;
/** Module key → the outcome of importing it (imported once per worker). */
const loaded = new Map<string, Promise<FromMapWorker>>();
let queue: Promise<unknown> = Promise.resolve();
const TS_FILE = /\.(c|m)?tsx?$/;
const LOADER_FLAG = Symbol.for('sluice.planner.tsLoader');

function send(message: FromMapWorker): void {
  port.postMessage(message);
}

async function ensureTypeScript(): Promise<void> {
  const g = globalThis as Record<symbol, unknown>;
  if (g[LOADER_FLAG]) return;
  const api = (await import('tsx/esm/api')) as { register: () => unknown };
  api.register();
  g[LOADER_FLAG] = true;
}

async function load(module: string): Promise<FromMapWorker> {
  const started = performance.now();
  try {
    if (TS_FILE.test(moduleKey(module))) await ensureTypeScript();
    await import(module);
    return { t: 'loaded', module, ms: performance.now() - started };
  } catch (error) {
    return { t: 'load-error', module, error: toWireError(error) };
  }
}

async function runChunk(message: Extract<ToMapWorker, { t: 'chunk' }>): Promise<void> {
  const { map, chunk, indices, name } = message;
  if (ended.has(map)) return;
  const fn = lookupParallel(name);
  if (!fn) {
    const modules = [...loaded.keys()];
    const known = modules.flatMap((m) => parallelNamesIn(m));
    send({
      t: 'fail',
      map,
      chunk,
      index: indices[0] ?? -1,
      where: 'function',
      error: {
        name: 'ParallelFunctionNotFound',
        message: `parallel function '${name}' is not defined after importing ${modules.join(', ') || 'its module'} in a worker (defined there: ${
          known.join(', ') || 'none'
        }); call parallel('${name}', ...) at the top level of its module, not inside a function or step, or pass { module: import.meta.url }`,
      },
    });
    return;
  }
  const items = message.codec ? message.items.map(decodeFromTransfer) : message.items;
  const sharedValue = shared.get(map);
  const results = new Array<unknown>(items.length);
  let codec = false;
  const started = performance.now();
  for (let i = 0; i < items.length; i++) {
    try {
      let r = fn(items[i], indices[i]!, sharedValue) as unknown;
      if (isThenable(r)) r = await r;
      if (r !== null && typeof r === 'object' && !ArrayBuffer.isView(r) && scan(r).codec) {
        r = encodeForTransfer(r);
        codec = true;
      }
      results[i] = r;
    } catch (error) {
      send({ t: 'fail', map, chunk, index: indices[i]!, where: 'item', error: toWireError(error) });
      return;
    }
  }
  const computeMs = performance.now() - started;
  try {
    send({ t: 'done', map, chunk, results, computeMs, codec });
  } catch (error) {
    // Find which result structured clone refused, so the error can name the item.
    const bad = results.findIndex((r) => transferProblem(r) !== undefined);
    const at = bad < 0 ? 0 : bad;
    const problem = bad < 0 ? (error as Error).message : transferProblem(results[at]);
    send({ t: 'fail', map, chunk, index: indices[at]!, where: 'result', error: { name: 'DataCloneError', message: `the result cannot be sent back: ${problem}` } });
  }
}

/**
 * Runs `work` after everything queued before it and after every module asked for so far has
 * loaded: shared values and chunks of one worker are handled one after another, in arrival order.
 */
function inTurn(work: () => unknown, onError: (error: unknown) => void): void {
  const pending = [...loaded.values()];
  queue = queue
    .then(() => Promise.all(pending))
    .then(work)
    .catch(onError);
}

/** Floating-point work for `ms`; returns the loop turns done (the clock is read every 1,024 turns). */
function spinFor(ms: number): number {
  const end = performance.now() + ms;
  let turns = 0;
  let acc = 0;
  do {
    for (let i = 0; i < 1024; i++) acc += Math.sqrt(turns + i);
    turns += 1024;
  } while (performance.now() < end);
  return acc > 0 ? turns : 0;
}

port.on('message', (message: ToMapWorker) => {
  switch (message.t) {
    case 'load': {
      const key = moduleKey(message.module);
      const first = !loaded.has(key);
      if (first) loaded.set(key, load(message.module));
      // A repeated request is answered with the first outcome (an import costs nothing the second time).
      void loaded.get(key)!.then((reply) => send(first || reply.t !== 'loaded' ? reply : { ...reply, ms: 0 }));
      return;
    }
    case 'shared':
      // Decoded after the module (its codecs may be needed), in order with the chunks that use it.
      inTurn(
        () => shared.set(message.map, decodeFromTransfer(message.value)),
        (error) => send({ t: 'fail', map: message.map, chunk: -1, index: -1, where: 'shared', error: toWireError(error) }),
      );
      return;
    case 'chunk':
      inTurn(
        () => runChunk(message),
        (error) => send({ t: 'fail', map: message.map, chunk: message.chunk, index: message.indices[0] ?? -1, where: 'item', error: toWireError(error) }),
      );
      return;
    case 'end':
      shared.delete(message.map);
      ended.add(message.map);
      if (ended.size > ENDED_KEPT) ended.delete(ended.values().next().value!);
      return;
    case 'ping':
      send({ t: 'pong', n: message.n });
      return;
    case 'spin':
      send({ t: 'spun', turns: spinFor(message.ms) });
      return;
  }
});

send({ t: 'ready' });
