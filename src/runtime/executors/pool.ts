/**
 * The default executor: a warm pool of forked worker processes. Each worker imports the flow
 * once and then runs many tasks, so a task costs an IPC round trip, not a process start.
 * A worker that dies fails its task as a system error and is replaced.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorRecord } from '../../store/types.js';
import type { Executor, FromWorker, RunInfo, TaskLogChunk, TaskOutcome, TaskRecordEvent, TaskSpec, ToWorker } from '../protocol.js';

export interface PoolOptions {
  readonly run: RunInfo;
  readonly workers: number;
  readonly onLog: (chunk: TaskLogChunk) => void;
  readonly onRecords: (taskId: number, attempt: number, records: readonly TaskRecordEvent[]) => void;
  /** Output a worker wrote straight to its fd (outside any task's capture). */
  readonly onStray?: (workerId: string, stream: 'stdout' | 'stderr', text: string) => void;
  /** V8 heap limit for workers (MiB), e.g. the largest memory a step declares. */
  readonly heapLimitMiB?: number;
}

type Settled = TaskOutcome & { workerId: string };

interface Assigned {
  readonly spec: TaskSpec;
  readonly resolve: (outcome: Settled) => void;
  readonly onStart?: (taskId: number) => void;
}

interface Worker {
  readonly id: string;
  readonly child: ChildProcess;
  ready: Promise<void>;
  /** The task running now. */
  task: Assigned | undefined;
  /** Tasks of the same batch waiting behind it, in order. */
  queued: Assigned[];
  exited: boolean;
  /** Tail of what the process wrote to stderr outside tasks (V8 prints heap exhaustion there). */
  strayErr: string;
}

function notStarted(workerId: string, why: string): Settled {
  const now = Date.now();
  return { ok: false, error: { type: 'NotStarted', message: `not started: ${why}`, kind: 'system' }, startedAt: now, endedAt: now, notStarted: true, workerId };
}

/** The worker entry: .ts when running from source (tests), .js from dist. */
function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return here.replace(/pool\.(ts|js)$/, (_m, ext: string) => `worker-main.${ext}`);
}

export class PoolExecutor implements Executor {
  readonly name = 'pool';
  private readonly workers: Worker[] = [];
  private nextWorker = 0;
  private closing = false;
  private initError: ErrorRecord | undefined;

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new RangeError(`max workers must be a positive integer, got ${options.workers}`);
    }
  }

  /** Starts the workers now instead of on first use (to overlap their start-up with other work). */
  warm(): void {
    while (this.workers.length < this.options.workers) this.workers.push(this.spawn());
  }

  /** Resolves when every worker has loaded the flow; rejects with the load error otherwise. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  private spawn(): Worker {
    const id = `w${++this.nextWorker}`;
    const child = fork(workerEntry(), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [
        '--import',
        import.meta.resolve('tsx/esm'),
        ...(this.options.heapLimitMiB ? [`--max-old-space-size=${Math.ceil(this.options.heapLimitMiB)}`] : []),
      ],
      env: { ...process.env, SLUICE_TSX_REGISTERED: '1', SLUICE_WORKER_ID: id },
    });
    let readyResolve!: () => void;
    let readyReject!: (error: Error) => void;
    const worker: Worker = {
      id,
      child,
      ready: new Promise<void>((res, rej) => {
        readyResolve = res;
        readyReject = rej;
      }),
      task: undefined,
      queued: [],
      exited: false,
      strayErr: '',
    };
    worker.ready.catch(() => {});
    child.stdout?.setEncoding('utf8').on('data', (text: string) => this.options.onStray?.(id, 'stdout', text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      worker.strayErr = (worker.strayErr + text).slice(-4000);
      this.options.onStray?.(id, 'stderr', text);
    });
    child.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          readyResolve();
          break;
        case 'init-error':
          this.initError = message.error;
          readyReject(new Error(message.error.message));
          break;
        case 'log':
          this.options.onLog(message.chunk);
          break;
        case 'records':
          this.options.onRecords(message.taskId, message.attempt, message.records);
          break;
        case 'result': {
          const current = worker.task;
          let entry: Assigned | undefined;
          if (current?.spec.taskId === message.taskId) {
            entry = current;
            // The worker names the batched task it began next (cancelled ones come back on their own).
            const next = message.next === undefined ? -1 : worker.queued.findIndex((q) => q.spec.taskId === message.next);
            worker.task = next >= 0 ? worker.queued.splice(next, 1)[0] : undefined;
          } else {
            const index = worker.queued.findIndex((q) => q.spec.taskId === message.taskId);
            entry = index >= 0 ? worker.queued.splice(index, 1)[0] : undefined;
          }
          entry?.resolve({ ...message.outcome, workerId: id });
          if (worker.task && worker.task !== current) worker.task.onStart?.(worker.task.spec.taskId);
          break;
        }
      }
    });
    child.on('exit', (code, signal) => {
      worker.exited = true;
      readyReject(new Error(`worker ${id} exited (${signal ?? `code ${code}`}) before loading the flow`));
      const task = worker.task;
      const queued = worker.queued;
      worker.task = undefined;
      worker.queued = [];
      if (task) {
        const now = Date.now();
        const heap = /heap out of memory|Reached heap limit/i.test(worker.strayErr);
        task.resolve({
          ok: false,
          error: {
            type: heap ? 'OutOfMemory' : 'WorkerDied',
            message: heap
              ? `out of memory: the JavaScript heap reached its limit (${this.options.heapLimitMiB ?? 'default'} MiB) while running task ${task.spec.taskId} of step '${task.spec.step}'`
              : `worker process ${id} died (${signal ? `signal ${signal}` : `exit code ${code}`}) while running task ${task.spec.taskId} of step '${task.spec.step}'`,
            kind: 'system',
          },
          startedAt: now,
          endedAt: now,
          workerId: id,
        });
      }
      for (const waiting of queued) waiting.resolve(notStarted(id, `worker process ${id} ended before it began`));
      if (!this.closing) {
        const index = this.workers.indexOf(worker);
        if (index >= 0) this.workers[index] = this.spawn();
      }
    });
    const init: ToWorker = { type: 'init', run: this.options.run };
    child.send(init);
    return worker;
  }

  /** The error a worker hit while loading the flow, if any. */
  loadError(): ErrorRecord | undefined {
    return this.initError;
  }

  idle(): number {
    // Workers start on first use: a run served entirely from the cache or a resume starts none.
    return this.workers.filter((w) => !w.task && w.queued.length === 0 && !w.exited).length + (this.options.workers - this.workers.length);
  }

  submit(spec: TaskSpec): Promise<Settled> {
    return this.submitBatch([spec])[0]!;
  }

  submitBatch(specs: readonly TaskSpec[], onStart?: (taskId: number) => void): Promise<Settled>[] {
    if (specs.length === 0) return [];
    let worker = this.workers.find((w) => !w.task && w.queued.length === 0 && !w.exited);
    if (!worker && this.workers.length < this.options.workers) {
      worker = this.spawn();
      this.workers.push(worker);
    }
    if (!worker) throw new Error('pool executor: submit() called with no idle worker');
    const target = worker;
    const assigned: Assigned[] = [];
    const promises = specs.map((spec) => new Promise<Settled>((resolve) => assigned.push({ spec, resolve, onStart })));
    target.task = assigned[0];
    target.queued = assigned.slice(1);
    target.ready.then(
      () => {
        if (target.task !== assigned[0]) return; // the worker died in between; its exit settled them
        const message: ToWorker = specs.length === 1 ? { type: 'task', spec: specs[0]! } : { type: 'batch', specs };
        target.child.send(message);
        onStart?.(specs[0]!.taskId);
      },
      (error: Error) => {
        const [first, ...rest] = [target.task, ...target.queued];
        target.task = undefined;
        target.queued = [];
        const now = Date.now();
        first?.resolve({
          ok: false,
          error: this.initError ?? { type: 'WorkerError', message: error.message, kind: 'system' },
          startedAt: now,
          endedAt: now,
          workerId: target.id,
        });
        for (const waiting of rest) if (waiting) waiting.resolve(notStarted(target.id, 'its worker failed to start'));
      },
    );
    return promises;
  }

  cancelPending(): void {
    for (const w of this.workers) {
      if (w.exited || w.queued.length === 0) continue;
      const message: ToWorker = { type: 'cancel', taskIds: w.queued.map((q) => q.spec.taskId) };
      w.child.send(message);
    }
  }

  kill(taskId: number): boolean {
    const worker = this.workers.find((w) => w.task?.spec.taskId === taskId);
    if (!worker || worker.exited) return false;
    worker.child.kill('SIGKILL');
    return true;
  }

  rss(taskId: number): number | undefined {
    const pid = this.workers.find((w) => w.task?.spec.taskId === taskId)?.child.pid;
    if (pid === undefined) return undefined;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb === undefined ? undefined : Number(kb) * 1024;
    } catch {
      return undefined;
    }
  }

  interrupt(): void {
    this.closing = true;
    for (const w of this.workers) if (!w.exited) w.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exited) return resolve();
            w.child.once('exit', () => resolve());
            w.child.disconnect?.();
            setTimeout(() => w.child.kill('SIGKILL'), 2000).unref();
          }),
      ),
    );
  }
}
