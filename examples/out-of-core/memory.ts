/**
 * Peak memory of one piece of work, measured inside the task that does it.
 *
 * On Linux the kernel keeps an exact high-water mark of the resident set; writing "5" to
 * /proc/self/clear_refs resets it to the current size. After the reset, the process's peak RSS
 * (`process.resourceUsage().maxRSS`) belongs to this task alone, even in a warm worker that ran
 * bigger tasks before, and it catches peaks inside synchronous code that no timer could sample.
 * Where the reset is not possible, the process's lifetime peak is reported as an upper bound.
 */
import { writeFileSync } from 'node:fs';

export interface MemoryReading {
  /** Resident set when the meter started (MiB): the worker's baseline, loaded code and all. */
  readonly startMiB: number;
  /** Highest resident set while the meter ran (MiB). */
  readonly peakMiB: number;
  /** Whether `peakMiB` covers only the metered work (false: the process's lifetime peak). */
  readonly exact: boolean;
}

const MIB = 1024 * 1024;

/** Starts measuring; call the returned function to read the peak so far. */
export function startMemoryMeter(): () => MemoryReading {
  let exact = false;
  if (process.platform === 'linux') {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      exact = true;
    } catch {
      // Kernels before 4.0 or a restricted /proc: fall back to the lifetime peak.
    }
  }
  const startMiB = process.memoryUsage.rss() / MIB;
  return () => {
    const peakMiB = Math.max(startMiB, process.memoryUsage.rss() / MIB, (process.resourceUsage().maxRSS * 1024) / MIB);
    return { startMiB, peakMiB, exact };
  };
}
