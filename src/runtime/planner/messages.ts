/** Messages between a map's main thread and its worker threads (structured-clone data only). */

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type ToMapWorker =
  /** Import a module (which registers its parallel functions). */
  | { readonly t: 'load'; readonly module: string }
  /** The shared value of one map call (sent once per worker per call). */
  | { readonly t: 'shared'; readonly map: number; readonly value: unknown }
  /** Run `name` over these items; `indices` are their positions in the caller's list. */
  | { readonly t: 'chunk'; readonly map: number; readonly chunk: number; readonly name: string; readonly indices: Int32Array; readonly items: unknown[]; readonly codec: boolean }
  /** The map call is over: drop its shared value. */
  | { readonly t: 'end'; readonly map: number }
  | { readonly t: 'ping'; readonly n: number; readonly payload?: unknown }
  /** Busy the CPU for `ms` and count the loop turns done (machine facts: how threads share cores). */
  | { readonly t: 'spin'; readonly ms: number };

export type FromMapWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'loaded'; readonly module: string; readonly ms: number }
  | { readonly t: 'load-error'; readonly module: string; readonly error: WireError }
  | { readonly t: 'done'; readonly map: number; readonly chunk: number; readonly results: unknown[]; readonly computeMs: number; readonly codec: boolean }
  /** An item failed (`where: 'item'`), its result could not be sent back (`'result'`), or setup failed. */
  | {
      readonly t: 'fail';
      readonly map: number;
      readonly chunk: number;
      readonly index: number;
      readonly where: 'item' | 'result' | 'function' | 'shared';
      readonly error: WireError;
    }
  | { readonly t: 'pong'; readonly n: number }
  | { readonly t: 'spun'; readonly turns: number };

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: typeof error, message: String(error) };
}
