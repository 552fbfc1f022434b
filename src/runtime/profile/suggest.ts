/**
 * Concrete suggestions from a run's profile: each rule looks at one measured fact and, when it
 * fires, says what to change (and by how much when it can tell).
 */
import { planBatch } from '../planner/batch.js';
import { fmtBytes, fmtMs } from '../planner/explain.js';
import type { BatchSummary, CriticalSegment, MapSummary, ResourcePrediction, StepProfile, Suggestion } from './types.js';

const MiB = 1024 * 1024;

export interface SuggestInput {
  readonly steps: readonly StepProfile[];
  readonly workers: number;
  readonly taskSpanMs: number;
  readonly busyMs: number;
  readonly parallelEfficiency: number;
  readonly critical: { readonly totalMs: number; readonly segments: readonly CriticalSegment[] };
  readonly maps: readonly MapSummary[];
  /** Foreach steps already batched by `batch: 'auto'`. */
  readonly batches?: readonly BatchSummary[];
  readonly predictions: readonly ResourcePrediction[];
  /** Cores of the machine, when known: more workers than cores do not help. */
  readonly cores?: number;
}

const pct = (share: number): string => `${Math.round(share * 100)}%`;
const code = (step: string): string => `\`${step}\``;

/** Rounds a memory figure up to a quarter GiB (or 64 MiB when small), for a declaration. */
function suggestMiB(bytes: number): number {
  const mib = (bytes * 1.2) / MiB;
  const unit = mib > 1024 ? 256 : 64;
  return Math.ceil(mib / unit) * unit;
}

function mibText(mib: number): string {
  return fmtBytes(mib * MiB);
}

export function suggest(input: SuggestInput): Suggestion[] {
  const out: Suggestion[] = [];
  const { steps, workers, taskSpanMs } = input;
  const parallelMapIn = new Set(input.maps.filter((m) => m.mode === 'parallel').map((m) => m.step));

  for (const s of steps) {
    // A heavy single-task step holds the whole run while other workers idle.
    if ((s.kind === 'step' || s.kind === 'join') && s.tasks === 1 && workers > 1 && s.share >= 0.3 && taskSpanMs >= 500 && s.coresUsed < 1.5 && !parallelMapIn.has(s.step)) {
      out.push({
        kind: 'serial-step',
        step: s.step,
        message: `step ${code(s.step)} is ${pct(s.share)} of wall time (${fmtMs(s.spanMs)}) and runs serially: make it a foreach, or run its loop with ctx.map`,
      });
    }
  }

  for (const s of steps) {
    const d = s.declared;
    if (d?.memoryMiB !== undefined && s.peakRssBytes > 0) {
      const declared = d.memoryMiB * MiB;
      if (s.peakRssBytes > declared) {
        out.push({
          kind: 'memory-over',
          step: s.step,
          message: `${code(s.step)} tasks peaked at ${fmtBytes(s.peakRssBytes)} but declare ${mibText(d.memoryMiB)}: raise resources.memoryMiB to ~${suggestMiB(s.peakRssBytes)}`,
        });
      } else if (d.memoryMiB >= 1024 && s.peakRssBytes < declared / 4) {
        out.push({
          kind: 'memory-under',
          step: s.step,
          message: `${code(s.step)} declares ${mibText(d.memoryMiB)} but its tasks peaked at ${fmtBytes(s.peakRssBytes)} (worker process included): resources.memoryMiB ~${suggestMiB(
            s.peakRssBytes,
          )} lets more tasks run at once`,
        });
      }
    }
    if (s.wallMs >= 200 && s.coresUsed > 0) {
      const declaredCpu = d?.cpu ?? 1;
      if (d?.cpu !== undefined && d.cpu >= 2 && s.coresUsed < d.cpu * 0.5) {
        out.push({
          kind: 'cpu-under',
          step: s.step,
          message: `${code(s.step)} declares ${d.cpu} CPUs but kept ${s.coresUsed.toFixed(1)} busy on average: lower resources.cpu, or use the cores inside the step (ctx.map)`,
        });
      } else if (s.coresUsed >= 1.5 && s.coresUsed > declaredCpu * 1.5) {
        out.push({
          kind: 'cpu-over',
          step: s.step,
          message: `${code(s.step)} kept ${s.coresUsed.toFixed(1)} cores busy on average but declares ${d?.cpu ?? 'none (1)'}: declare resources.cpu: ${Math.round(s.coresUsed)} so tasks are not packed onto busy cores`,
        });
      }
    }
  }

  for (const s of steps) {
    if (s.kind !== 'foreach' || s.tasks < 50 || s.spanMs <= 0) continue;
    if (input.batches?.some((b) => b.step === s.step && b.batchSize > 1)) continue;
    const userPerTask = s.userMs / s.tasks;
    // What a task really cost: the step's span shared by the workers that ran it.
    const perTask = (s.spanMs * Math.min(workers, s.tasks)) / s.tasks;
    const overhead = perTask - userPerTask;
    if (overhead > userPerTask && overhead > 0.5) {
      const plan = planBatch({ count: s.tasks, itemMs: Math.max(userPerTask, 1e-3), workers: Math.max(1, workers), taskOverheadMs: overhead });
      if (plan.batchSize > 1) {
        out.push({
          kind: 'tiny-tasks',
          step: s.step,
          message: `foreach ${code(s.step)} ran ${s.tasks} tasks of ${fmtMs(userPerTask)} of work each with ~${fmtMs(overhead)} of overhead per task (${pct(
            overhead / perTask,
          )} of its time): send ~${plan.batchSize} items per dispatch (foreach batch: 'auto'), or ctx.map over the list in one step, estimated ${plan.speedup.toFixed(1)}× faster`,
        });
      }
    }
  }

  for (const s of steps) {
    const io = s.loadMs + s.storeMs;
    if (io >= 500 && io >= 0.5 * s.wallMs) {
      out.push({
        kind: 'artifact-io',
        step: s.step,
        message: `${code(s.step)} spends ${pct(io / s.wallMs)} of its task time loading and storing artifacts (${fmtBytes(s.bytesRead)} read, ${fmtBytes(
          s.bytesWritten,
        )} written): pass only what it needs, or typed arrays (stored raw, no serialisation)`,
      });
    }
    if (s.kind === 'foreach' && s.tasks >= 3 && s.maxTaskMs >= 1000 && s.maxTaskMs >= 3 * s.medianTaskMs) {
      out.push({
        kind: 'straggler',
        step: s.step,
        message: `${code(s.step)} task ${s.maxTaskId} took ${fmtMs(s.maxTaskMs)}, ${(s.maxTaskMs / Math.max(s.medianTaskMs, 1e-6)).toFixed(1)}× the median task (${fmtMs(
          s.medianTaskMs,
        )}): the step waits for it; split heavy items or start them first`,
      });
    }
  }

  const { totalMs: criticalMs, segments } = input.critical;
  if (workers > 1 && taskSpanMs >= 1000) {
    if (input.parallelEfficiency < 0.5 && criticalMs >= 0.8 * taskSpanMs) {
      const path = segments.map((s) => (s.taskIds.length > 1 ? `${s.step}×${s.taskIds.length}` : s.step)).join(' → ');
      out.push({
        kind: 'idle-workers',
        step: null,
        message: `workers were busy ${pct(input.parallelEfficiency)} of the run (${workers} × ${fmtMs(taskSpanMs)}): the critical path ${path} (${fmtMs(
          criticalMs,
        )}) leaves little to run side by side`,
      });
    } else if (input.parallelEfficiency >= 0.8 && taskSpanMs - criticalMs >= 0.3 * taskSpanMs) {
      const coreBound = input.cores !== undefined && workers >= input.cores;
      out.push({
        kind: 'queueing',
        step: null,
        message: `tasks queued for workers: the run's tasks took ${fmtMs(taskSpanMs)} but its critical path is ${fmtMs(criticalMs)}; ${
          coreBound
            ? `the ${workers} workers already use all ${input.cores} cores, so only less work per task (or more cores) shortens it`
            : 'more workers (--max-workers) would shorten it'
        }`,
      });
    }
  }

  for (const m of input.maps) {
    if (m.mode === 'parallel' && m.realisedSpeedup !== null && m.realisedSpeedup < 0.7 * m.estimatedSpeedup) {
      out.push({
        kind: 'map-estimate',
        step: m.step,
        message: `ctx.map '${m.label}' in ${code(m.step)} was estimated at ${m.estimatedSpeedup.toFixed(2)}× but realised ${m.realisedSpeedup.toFixed(
          2,
        )}×: the machine was busier than when measured, or items vary more than the dry run saw (raise the sample)`,
      });
    }
  }

  for (const p of input.predictions) {
    const declared = p.declared?.memoryMiB;
    if (declared === undefined || p.pastRuns === 0 || out.some((s) => s.kind === 'memory-over' && s.step === p.step)) continue;
    if (p.peakRssBytes > declared * MiB) {
      out.push({
        kind: 'predicted-memory',
        step: p.step,
        message: `${code(p.step)} is predicted to peak at ${fmtBytes(p.peakRssBytes)} per task at ${fmtBytes(p.inputBytes)} of input (from ${p.pastRuns} past run${
          p.pastRuns === 1 ? '' : 's'
        }), above the declared ${mibText(declared)}`,
      });
    }
  }
  return out;
}
