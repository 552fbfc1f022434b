/**
 * Per-task stdout/stderr capture in a process that runs many tasks one after another.
 * `process.stdout.write` and `process.stderr.write` are routed to the current task's sink while a
 * task runs, and to the real streams otherwise.
 */
export interface OutputSink {
  write(stream: 'stdout' | 'stderr', text: string): void;
}

type Write = typeof process.stdout.write;

let current: OutputSink | null = null;
let installed = false;
const realStdout: Write = process.stdout.write.bind(process.stdout);
const realStderr: Write = process.stderr.write.bind(process.stderr);

function patched(stream: 'stdout' | 'stderr', real: Write): Write {
  return function write(this: unknown, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (!current) return (real as (...args: unknown[]) => boolean)(chunk, encoding, callback);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    current.write(stream, text);
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') queueMicrotask(() => (cb as () => void)());
    return true;
  } as Write;
}

function install(): void {
  if (installed) return;
  installed = true;
  process.stdout.write = patched('stdout', realStdout);
  process.stderr.write = patched('stderr', realStderr);
}

/** Runs `fn` with output routed to `sink`. Only one task may capture at a time per process. */
export async function withCapture<T>(sink: OutputSink, fn: () => Promise<T>): Promise<T> {
  install();
  const previous = current;
  current = sink;
  try {
    return await fn();
  } finally {
    current = previous;
  }
}

/** Writes to the real stdout/stderr, bypassing capture (for the coordinator's own output). */
export const realOutput = {
  stdout: (text: string): boolean => realStdout(text),
  stderr: (text: string): boolean => realStderr(text),
};
