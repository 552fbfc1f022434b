/**
 * Progress of a long map: a throttled callback, and a bar on stderr (redrawn in place on a
 * terminal; a line every 10% otherwise, e.g. in a task's log).
 */

export interface MapProgress {
  /** Label of the map (the parallel function's name). */
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  /** Estimated time left (ms), from the rate so far. */
  readonly etaMs: number;
}

export type ProgressCallback = (progress: MapProgress) => void;

const CALLBACK_MS = 100;

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Renders one progress line: `extract [#######.......] 48% 480/1000 · 2.1s · eta 2.3s`. */
export function formatBar(p: MapProgress, width = 24): string {
  const share = p.total > 0 ? p.done / p.total : 1;
  const filled = Math.round(share * width);
  return `${p.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${p.done}/${p.total} · ${seconds(p.elapsedMs)}${
    p.done < p.total ? ` · eta ${seconds(p.etaMs)}` : ''
  }`;
}

/** A progress bar writing to a stream (stderr by default). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressCallback & { end(): void } {
  const tty = stream.isTTY === true;
  let lastDecile = -1;
  let lastDraw = 0;
  let drawn = false;
  let last: MapProgress | undefined;
  const draw = (p: MapProgress): void => {
    last = p;
    if (tty) {
      const now = performance.now();
      if (now - lastDraw < 100 && p.done < p.total) return;
      lastDraw = now;
      stream.write(`\r\x1b[K${formatBar(p)}`);
      drawn = true;
      return;
    }
    const decile = Math.floor((p.done / Math.max(1, p.total)) * 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      stream.write(`${formatBar(p)}\n`);
    }
  };
  return Object.assign(draw, {
    end(): void {
      if (tty && drawn) {
        if (last) stream.write(`\r\x1b[K${formatBar(last)}`);
        stream.write('\n');
      }
    },
  });
}

/** Counts finished items and calls `callback` at most every 100 ms (and once at the end). */
export class ProgressTracker {
  private done = 0;
  private lastCall = 0;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly callback: ProgressCallback | undefined,
  ) {}

  get enabled(): boolean {
    return this.callback !== undefined;
  }

  /** Counts items done before tracking started (the dry run's), without reporting. */
  seed(count: number): void {
    this.done += count;
  }

  add(count: number): void {
    this.done += count;
    if (!this.callback) return;
    const now = performance.now();
    if (now - this.lastCall >= CALLBACK_MS || this.done >= this.total) {
      this.lastCall = now;
      this.callback(this.snapshot(now));
    }
  }

  private snapshot(now: number): MapProgress {
    const elapsedMs = now - this.started;
    const rate = this.done / Math.max(elapsedMs, 1e-3);
    return { label: this.label, done: this.done, total: this.total, elapsedMs, etaMs: rate > 0 ? (this.total - this.done) / rate : Infinity };
  }
}
