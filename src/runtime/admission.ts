/**
 * Resource-aware admission: a task starts only when its declared CPU, memory and GPUs fit in
 * what is free, and its step's `concurrency` allows another. Requests that can never fit are
 * found before the run starts.
 */
import type { StepOptions } from '../flow/types.js';

export interface Capacity {
  readonly cpu: number;
  readonly memoryMiB: number;
  /** GPU device ids that may be handed out (from --gpus). */
  readonly gpus: readonly string[];
}

export interface Request {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly gpu: number;
}

/** What a task of a step asks for: declared resources, 1 CPU by default. */
export function requestOf(options: StepOptions): Request {
  const r = options.resources ?? {};
  return { cpu: r.cpu ?? 1, memoryMiB: r.memoryMiB ?? 0, gpu: r.gpu ?? 0 };
}

/** Steps whose request can never fit, each with the reason. */
export function impossibleRequests(steps: ReadonlyMap<string, StepOptions>, capacity: Capacity): string[] {
  const problems: string[] = [];
  for (const [step, options] of steps) {
    const req = requestOf(options);
    if (req.cpu > capacity.cpu) problems.push(`step '${step}' asks for ${req.cpu} CPUs but only ${capacity.cpu} are available (--cpus)`);
    if (req.memoryMiB > capacity.memoryMiB) {
      problems.push(`step '${step}' asks for ${req.memoryMiB} MiB of memory but only ${Math.floor(capacity.memoryMiB)} MiB are available (--memory)`);
    }
    if (req.gpu > capacity.gpus.length) {
      problems.push(`step '${step}' asks for ${req.gpu} GPUs but ${capacity.gpus.length} are available (--gpus ${capacity.gpus.join(',') || 'none given'})`);
    }
  }
  return problems;
}

/** Tracks what running tasks hold. */
export class Admission {
  private cpu = 0;
  private memory = 0;
  private readonly freeGpus: string[];
  private readonly perStep = new Map<string, number>();
  private readonly held = new Map<number, { step: string; req: Request; gpus: string[] }>();
  /** Most tasks ever running at once (for tests and benchmarks). */
  peak = 0;

  constructor(private readonly capacity: Capacity) {
    this.freeGpus = [...capacity.gpus];
  }

  /** Whether a task of this step could start now. */
  fits(step: string, options: StepOptions): boolean {
    const req = requestOf(options);
    const limit = options.concurrency;
    if (limit !== undefined && (this.perStep.get(step) ?? 0) >= limit) return false;
    // A little slack absorbs floating-point sums of fractional CPUs.
    return this.cpu + req.cpu <= this.capacity.cpu + 1e-9 && this.memory + req.memoryMiB <= this.capacity.memoryMiB && req.gpu <= this.freeGpus.length;
  }

  /** Reserves the task's resources; returns the GPU ids it gets. */
  acquire(taskId: number, step: string, options: StepOptions): string[] {
    const req = requestOf(options);
    const gpus = this.freeGpus.splice(0, req.gpu);
    this.cpu += req.cpu;
    this.memory += req.memoryMiB;
    this.perStep.set(step, (this.perStep.get(step) ?? 0) + 1);
    this.held.set(taskId, { step, req, gpus });
    this.peak = Math.max(this.peak, this.held.size);
    return gpus;
  }

  release(taskId: number): void {
    const held = this.held.get(taskId);
    if (!held) return;
    this.held.delete(taskId);
    this.cpu -= held.req.cpu;
    this.memory -= held.req.memoryMiB;
    this.freeGpus.push(...held.gpus);
    this.perStep.set(held.step, (this.perStep.get(held.step) ?? 1) - 1);
  }
}
