/**
 * Measures what a task attempt uses: CPU time, peak memory (sampled), and artifact I/O through a
 * counting wrapper around the blob store. Cheap enough to run on every task.
 */
import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { ArtifactStore, TaskStats } from '../store/types.js';
import { readPointerBytes } from '../store/values.js';

/**
 * Linux keeps the process's peak RSS (the high-water mark that getrusage reports as maxrss);
 * writing 5 to clear_refs resets it, so each task in a reused worker gets its own exact peak even
 * when a synchronous computation starves any sampler. Without it (not Linux, no /proc) the
 * process's peak since it started is all there is, and the meter falls back to sampling.
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const SAMPLE_MS = 50;

/**
 * The meters of tasks running in this process (one, except for tests and the inline executor),
 * sampled by one shared timer instead of a timer per task.
 */
const active = new Set<TaskMeter>();
let sampler: NodeJS.Timeout | undefined;

function track(meter: TaskMeter): void {
  active.add(meter);
  if (!sampler) {
    sampler = setInterval(() => {
      for (const m of active) m.sample();
    }, SAMPLE_MS);
    sampler.unref();
  }
}

function untrack(meter: TaskMeter): void {
  active.delete(meter);
  if (active.size === 0 && sampler) {
    clearInterval(sampler);
    sampler = undefined;
  }
}

export class TaskMeter {
  private readonly exactPeak = resetPeakRss();
  private readonly started = performance.now();
  // One getrusage call (~1 µs) gives CPU times and the peak RSS; reading /proc/self/status for
  // the peak cost ~15 µs a task. With the shared sampler, a pool worker's own time per task
  // went from ~105 to ~77 µs (10,000 × 1 ms foreach, batched, one worker).
  private readonly usage = process.resourceUsage();
  private peakRss = this.exactPeak ? 0 : process.memoryUsage.rss();
  private peakHeap = getHeapStatistics().used_heap_size;
  bytesRead = 0;
  bytesWritten = 0;
  loadMs = 0;
  storeMs = 0;
  /** Loads that happened while the step function ran (subtracted from user time). */
  private loadMsInUser = 0;
  private userStarted = 0;
  private userMs = 0;

  constructor() {
    track(this);
  }

  /** Takes one memory sample (called by the shared timer while the task runs). */
  sample(): void {
    if (!this.exactPeak) {
      const rss = process.memoryUsage.rss();
      if (rss > this.peakRss) this.peakRss = rss;
    }
    const heap = getHeapStatistics().used_heap_size;
    if (heap > this.peakHeap) this.peakHeap = heap;
  }

  /**
   * Wraps a blob store so reads and writes are counted and timed. A packed foreach item counts
   * its own bytes, not its pack's: the pack is read once per process and cached, and a task's
   * input size should not depend on whether a previous task on the same worker read the pack.
   * An inline value (kept in the metadata store, see values.ts) counts its bytes as read too, so
   * a task's input size does not depend on where its inputs were stored.
   */
  wrap(blobs: ArtifactStore): ArtifactStore {
    return {
      kind: blobs.kind,
      get: (digest) => {
        const t = performance.now();
        const bytes = blobs.get(digest);
        this.loadMs += performance.now() - t;
        this.bytesRead += bytes.byteLength;
        return bytes;
      },
      readPacked: (pointer) => {
        const t = performance.now();
        const bytes = readPointerBytes(blobs, pointer);
        this.loadMs += performance.now() - t;
        this.bytesRead += bytes.byteLength;
        return bytes;
      },
      put: (data) => {
        const t = performance.now();
        const ref = blobs.put(data);
        this.storeMs += performance.now() - t;
        this.bytesWritten += ref.bytes;
        return ref;
      },
      has: (digest) => blobs.has(digest),
      delete: (digest) => blobs.delete(digest),
      list: () => blobs.list(),
    };
  }

  /**
   * Counts a value stored inline (its bytes go to the metadata store with the task's record, not
   * through the blob store): `bytesWritten` is what the task stored, wherever it lives.
   */
  wroteInline(bytes: number): void {
    this.bytesWritten += bytes;
  }

  userStart(): void {
    this.userStarted = performance.now();
    this.loadMsInUser = this.loadMs;
  }

  userEnd(): void {
    this.userMs += performance.now() - this.userStarted - (this.loadMs - this.loadMsInUser);
  }

  finish(): TaskStats {
    untrack(this);
    this.sample();
    const usage = process.resourceUsage();
    // maxRSS is in KiB; with the reset above it is this task's peak.
    if (this.exactPeak) this.peakRss = Math.max(this.peakRss, usage.maxRSS * 1024);
    return {
      wallMs: performance.now() - this.started,
      cpuUserMs: (usage.userCPUTime - this.usage.userCPUTime) / 1000,
      cpuSystemMs: (usage.systemCPUTime - this.usage.systemCPUTime) / 1000,
      peakRssBytes: this.peakRss,
      peakHeapBytes: this.peakHeap,
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      loadMs: this.loadMs,
      storeMs: this.storeMs,
      userMs: Math.max(0, this.userMs),
    };
  }
}
