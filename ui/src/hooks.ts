/** Data hooks: a GET with loading/error state, and a live event stream. */
import { useEffect, useRef, useState } from 'react';
import { apiGet, subscribe } from './api';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Fetches again, keeping the current data on screen meanwhile. */
  readonly reload: () => void;
}

/** Fetches `path` (null: nothing yet) and again whenever it changes or `reload` is called. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean; path: string | null }>({ loading: path !== null, path });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState((s) => ({ data: s.path === path ? s.data : undefined, error: undefined, loading: true, path }));
    apiGet<T>(path, controller.signal).then(
      (data) => setState({ data, loading: false, path }),
      (error: Error) => {
        if (!controller.signal.aborted) setState((s) => ({ data: s.path === path ? s.data : undefined, error, loading: false, path }));
      },
    );
    return () => controller.abort();
  }, [path, tick]);
  const same = state.path === path;
  return { data: same ? state.data : undefined, error: same ? state.error : undefined, loading: !same || state.loading, reload: () => setTick((t) => t + 1) };
}

/** Subscribes to an event stream while `path` is not null; the handler may change freely. */
export function useStream(path: string | null, onEvent: (event: string, data: unknown) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (path === null) return;
    return subscribe(path, { onEvent: (event, data) => handler.current(event, data) });
  }, [path]);
}

/** A value that re-renders every `ms` while `active` (for ticking durations). */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [active, ms]);
  return now;
}

/** Calls `fn` at most once per `ms` (trailing call kept). */
export function useThrottle(fn: () => void, ms: number): () => void {
  const last = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return () => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      latest.current();
    } else if (timer.current === undefined) {
      timer.current = window.setTimeout(() => {
        timer.current = undefined;
        last.current = Date.now();
        latest.current();
      }, wait);
    }
  };
}
