/**
 * The coordinator's metadata writes: queued in order and written in batches, one transaction each
 * (every FLUSH_INTERVAL_MS, or at once when FLUSH_MAX_OPS are waiting). A failed write is kept
 * for the coordinator to surface; `onError` lets it stop scheduling.
 */
import type { MetadataStore, WriteOp } from '../store/types.js';

const FLUSH_INTERVAL_MS = 50;
const FLUSH_MAX_OPS = 2000;

export class WriteQueue {
  private ops: WriteOp[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** The first write that failed, if any. */
  error: Error | undefined;

  constructor(
    private readonly meta: MetadataStore,
    private readonly onError: (error: Error) => void,
  ) {}

  push(op: WriteOp): void {
    this.ops.push(op);
    if (this.ops.length >= FLUSH_MAX_OPS) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything queued so far, in order, one transaction per batch. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.ops;
    this.ops = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.meta.write(batch).catch((error: Error) => {
          this.error ??= error;
          this.onError(error);
        }),
      );
    }
    return this.writing;
  }
}
