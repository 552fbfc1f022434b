/**
 * Measures what a task attempt uses: CPU time, peak memory (sampled), and artifact I/O through a
 * counting wrapper around the blob store. Cheap enough to run on every task.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { ArtifactStore, TaskStats } from '../store/types.js';
import { readPointerBytes } from '../store/values.js';

/**
 * Linux keeps the process's peak RSS (VmHWM); writing 5 to clear_refs resets it, so each task in
 * a reused worker gets its own exact peak even when a synchronous computation starves the sampler.
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function kernelPeakRss(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

const SAMPLE_MS = 50;

export class TaskMeter {
  private readonly exactPeak = resetPeakRss();
  private readonly started = performance.now();
  private readonly cpu = process.cpuUsage();
  // With the kernel's peak (reset above, read at the end) RSS needs no sampling: each RSS read is
  // a /proc read, and four of them per task were ~5% of a 1 ms task's worker time.
  private peakRss = this.exactPeak ? 0 : process.memoryUsage.rss();
  private peakHeap = getHeapStatistics().used_heap_size;
  private readonly timer: NodeJS.Timeout;
  bytesRead = 0;
  bytesWritten = 0;
  loadMs = 0;
  storeMs = 0;
  /** Loads that happened while the step function ran (subtracted from user time). */
  private loadMsInUser = 0;
  private userStarted = 0;
  private userMs = 0;

  constructor() {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  private sample(): void {
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
    clearInterval(this.timer);
    this.sample();
    const kernel = this.exactPeak ? kernelPeakRss() : undefined;
    if (kernel !== undefined) this.peakRss = Math.max(this.peakRss, kernel);
    else if (this.exactPeak) this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    const cpu = process.cpuUsage(this.cpu);
    return {
      wallMs: performance.now() - this.started,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
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
