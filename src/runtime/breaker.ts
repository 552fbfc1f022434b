/**
 * A circuit breaker for calls from steps to unreliable services, shared by every task of one run
 * on one machine.
 *
 * closed ──N consecutive failures──▶ open ──cool-down over, next call──▶ half-open (probe calls)
 *   ▲                                  ▲                                      │
 *   └──────────── probe succeeds ──────┼──────────────────────────────────────┤
 *                                      └──────────── probe fails ─────────────┘
 *
 * Tasks run in different worker processes, so the state lives in a small JSON file under the
 * home (`<home>/runs/<flow>/<runId>/breakers/<name>.json`). Every read-modify-write happens under
 * a lock file created with O_EXCL, and the new state is written to a temp file and renamed over
 * the old one, so readers never see half a state and two processes never lose each other's
 * updates. The guarded call itself runs outside the lock.
 *
 * Each state transition carries a generation number; the outcome of a call admitted under an
 * older generation (e.g. a slow call that was still running when the breaker opened) is ignored.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GcSource } from '../store/gc.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Which run a breaker belongs to: its state is shared by all tasks of this run. */
export interface BreakerScope {
  readonly home: string;
  readonly flow: string;
  readonly runId: string;
}

export interface CircuitBreakerOptions {
  /** Consecutive counted failures that open the breaker (default 5). */
  readonly failureThreshold?: number;
  /** How long the breaker stays open before it lets a probe call through (ms, default 30 000). */
  readonly cooldownMs?: number;
  /** Probe calls allowed at once while half-open (default 1). */
  readonly halfOpenMax?: number;
  /**
   * A probe that has not reported back after this long (its process died, say) no longer holds
   * its slot, so the breaker cannot stay half-open forever (ms, default `cooldownMs`).
   */
  readonly probeTimeoutMs?: number;
  /** Which errors count as failures (default: all). Other errors are rethrown and change nothing. */
  readonly isFailure?: (error: unknown) => boolean;
  /** Called once, in the process that made it, for every state change. Must not throw. */
  readonly onStateChange?: (from: BreakerState, to: BreakerState, reason: string) => void;
  /** Clock for state transitions (ms since the epoch); tests inject a fake one. */
  readonly now?: () => number;
  /** Give up waiting for the state lock after this long (ms, default 5 000). */
  readonly lockTimeoutMs?: number;
  /** A lock file older than this is left over from a dead process and is broken (ms, default 2 000). */
  readonly staleLockMs?: number;
}

/** The shared state, as stored in the breaker's file. */
export interface BreakerSnapshot {
  readonly name: string;
  readonly state: BreakerState;
  /** Counted failures in a row while closed. */
  readonly consecutiveFailures: number;
  /** Incremented on every transition. */
  readonly generation: number;
  readonly openedAt: number | null;
  /** While open: when the next call becomes a probe. */
  readonly probeAt: number | null;
  /** While half-open: probe calls running, and when the newest one started. */
  readonly probesInFlight: number;
  readonly probeStartedAt: number | null;
  /** Message of the last counted failure. */
  readonly lastError: string | null;
  /** Number of transitions so far (for logs and tests). */
  readonly transitions: number;
  readonly updatedAt: number;
}

export interface CircuitBreaker {
  readonly name: string;
  /** Where the shared state lives. */
  readonly path: string;
  /**
   * Runs `fn` if the breaker lets it through, records its outcome and returns or rethrows it.
   * Fails fast with {@link CircuitOpenError} (without calling `fn`) while open, or while half-open
   * with all probe slots taken.
   */
  call<T>(fn: () => T | Promise<T>): Promise<T>;
  /** The stored state (an open breaker whose cool-down is over still says `open` until a call probes). */
  state(): BreakerState;
  snapshot(): BreakerSnapshot;
}

/** A call refused because the breaker is open (or half-open with its probe slots taken). */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(
    /** The breaker's name. */
    readonly breaker: string,
    readonly state: BreakerState,
    /** When a call will be let through as a probe (ms since the epoch). */
    readonly probeAt: number,
    message: string,
  ) {
    super(message);
  }
}

/** The state lock could not be taken (another process holds it for too long). */
export class BreakerLockError extends Error {
  override readonly name = 'BreakerLockError';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Where a breaker's shared state is stored. */
export function breakerStatePath(scope: BreakerScope, name: string): string {
  checkName(name);
  return join(scope.home, 'runs', pathPart('flow', scope.flow), pathPart('run id', scope.runId), 'breakers', `${name}.json`);
}

/** For GC: a deleted run's breaker states (`<home>/runs/<flow>/<runId>`) go with it. They reference no blobs. */
export function breakerGcSource(home: string): GcSource {
  return { name: 'circuit breakers', roots: () => [], runFiles: ({ flow, runId }) => [join(home, 'runs', flow, runId)] };
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError(
      `circuit breaker name ${JSON.stringify(name)} is not usable: expected 1-100 characters of letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

function pathPart(what: string, value: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || /[/\\\0]/.test(value)) {
    throw new TypeError(`circuit breaker scope: ${what} ${JSON.stringify(value)} is not a usable path part`);
  }
  return value;
}

function positive(what: string, value: number, integer: boolean): number {
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isSafeInteger(value)) || !Number.isFinite(value)) {
    throw new RangeError(`circuit breaker option ${what} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  }
  return value;
}

interface Policy {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly halfOpenMax: number;
  readonly probeTimeoutMs: number;
}

/** What a call was admitted under. */
interface Ticket {
  readonly generation: number;
  readonly probe: boolean;
}

interface Transition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: string;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly counted: boolean; readonly message: string };

function initial(name: string, now: number): BreakerSnapshot {
  return {
    name,
    state: 'closed',
    consecutiveFailures: 0,
    generation: 0,
    openedAt: null,
    probeAt: null,
    probesInFlight: 0,
    probeStartedAt: null,
    lastError: null,
    transitions: 0,
    updatedAt: now,
  };
}

function moveTo(s: BreakerSnapshot, to: BreakerState, now: number, patch: Partial<BreakerSnapshot>): BreakerSnapshot {
  return { ...s, ...patch, state: to, generation: s.generation + 1, transitions: s.transitions + 1, updatedAt: now };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

/** Decides whether a call may run. Pure: returns the next state and the ticket or the refusal. */
export function admit(
  s: BreakerSnapshot,
  policy: Policy,
  now: number,
): { next: BreakerSnapshot; ticket?: Ticket; refusal?: CircuitOpenError; transition?: Transition } {
  if (s.state === 'closed') return { next: s, ticket: { generation: s.generation, probe: false } };
  if (s.state === 'open') {
    const probeAt = s.probeAt ?? 0;
    if (now < probeAt) {
      const why = s.lastError === null ? '' : ` (last failure: ${s.lastError})`;
      const message =
        `circuit breaker '${s.name}' is open after ${policy.failureThreshold} consecutive failures${why}: ` +
        `failing fast without calling; it lets a probe call through at ${new Date(probeAt).toISOString()} (in ${seconds(probeAt - now)})`;
      return { next: s, refusal: new CircuitOpenError(s.name, 'open', probeAt, message) };
    }
    const next = moveTo(s, 'half-open', now, { probesInFlight: 1, probeStartedAt: now, probeAt: null });
    const reason = `cool-down of ${seconds(policy.cooldownMs)} over: letting a probe call through`;
    return { next, ticket: { generation: next.generation, probe: true }, transition: { from: 'open', to: 'half-open', reason } };
  }
  // half-open
  const lost = s.probeStartedAt !== null && now - s.probeStartedAt >= policy.probeTimeoutMs;
  const inFlight = lost ? 0 : s.probesInFlight;
  if (inFlight < policy.halfOpenMax) {
    const next = { ...s, probesInFlight: inFlight + 1, probeStartedAt: now, updatedAt: now };
    return { next, ticket: { generation: s.generation, probe: true } };
  }
  const retryAt = (s.probeStartedAt ?? now) + policy.probeTimeoutMs;
  const message =
    `circuit breaker '${s.name}' is half-open and its ${policy.halfOpenMax} probe call(s) are still running: ` +
    `failing fast until a probe succeeds (closes it) or fails (re-opens it); at the latest at ${new Date(retryAt).toISOString()}`;
  return { next: s, refusal: new CircuitOpenError(s.name, 'half-open', retryAt, message) };
}

/** Records a call's outcome. Pure: returns the next state and the transition, if any. */
export function settle(
  s: BreakerSnapshot,
  policy: Policy,
  ticket: Ticket,
  outcome: Outcome,
  now: number,
): { next: BreakerSnapshot; transition?: Transition } {
  // A call admitted before the latest transition reports on a state that no longer exists.
  if (ticket.generation !== s.generation) return { next: s };
  if (s.state === 'half-open' && ticket.probe) {
    if (outcome.ok) {
      const next = moveTo(s, 'closed', now, { consecutiveFailures: 0, probesInFlight: 0, probeStartedAt: null, openedAt: null, lastError: null });
      return { next, transition: { from: 'half-open', to: 'closed', reason: 'probe call succeeded' } };
    }
    if (!outcome.counted) return { next: { ...s, probesInFlight: Math.max(0, s.probesInFlight - 1), updatedAt: now } };
    const next = moveTo(s, 'open', now, {
      openedAt: now,
      probeAt: now + policy.cooldownMs,
      probesInFlight: 0,
      probeStartedAt: null,
      lastError: outcome.message,
    });
    const reason = `probe call failed (${outcome.message}); next probe in ${seconds(policy.cooldownMs)}`;
    return { next, transition: { from: 'half-open', to: 'open', reason } };
  }
  if (s.state !== 'closed') return { next: s };
  if (outcome.ok) return { next: s.consecutiveFailures === 0 ? s : { ...s, consecutiveFailures: 0, updatedAt: now } };
  if (!outcome.counted) return { next: s };
  const failures = s.consecutiveFailures + 1;
  if (failures < policy.failureThreshold) return { next: { ...s, consecutiveFailures: failures, lastError: outcome.message, updatedAt: now } };
  const next = moveTo(s, 'open', now, {
    consecutiveFailures: failures,
    openedAt: now,
    probeAt: now + policy.cooldownMs,
    lastError: outcome.message,
  });
  const reason = `${failures} consecutive failures (last: ${outcome.message}); failing fast for ${seconds(policy.cooldownMs)}`;
  return { next, transition: { from: 'closed', to: 'open', reason } };
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function readState(path: string, name: string, now: number): BreakerSnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return initial(name, now);
    throw error;
  }
  return JSON.parse(text) as BreakerSnapshot;
}

function writeState(path: string, state: BreakerSnapshot): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(temp, 'wx');
  try {
    writeSync(fd, JSON.stringify(state));
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `body` while holding `<path>.lock`. A lock whose file is older than `staleMs` belongs to a
 * process that died inside its (millisecond-long) critical section and is broken.
 */
async function withLock<T>(path: string, what: string, timeoutMs: number, staleMs: number, body: () => T): Promise<T> {
  const lock = `${path}.lock`;
  const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const started = Date.now();
  for (let round = 0; ; round++) {
    try {
      const fd = openSync(lock, 'wx');
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') {
        mkdirSync(dirname(lock), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw error;
    }
    breakIfStale(lock, staleMs);
    if (Date.now() - started > timeoutMs) {
      throw new BreakerLockError(`${what}: could not take the state lock ${lock} within ${timeoutMs}ms; another process holds it`);
    }
    await sleep(Math.min(20, 1 + round) * (0.5 + Math.random()));
  }
  try {
    return body();
  } finally {
    releaseLock(lock, token);
  }
}

/** Removes the lock only if it is still ours (it may have been broken as stale meanwhile). */
function releaseLock(lock: string, token: string): void {
  try {
    if (readFileSync(lock, 'utf8') === token) unlinkSync(lock);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function breakIfStale(lock: string, staleMs: number): void {
  let mtime: number;
  try {
    mtime = statSync(lock).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  if (Date.now() - mtime <= staleMs) return;
  // Move it aside first: of several processes breaking the same lock, only one rename succeeds.
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, aside);
    unlinkSync(aside);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/**
 * A circuit breaker whose state is shared by every task of the run in `scope` (on this machine).
 * Two breakers with the same name in one run are the same breaker; the policy options of the
 * call that makes a decision apply to it.
 */
export function circuitBreaker(name: string, options: CircuitBreakerOptions, scope: BreakerScope): CircuitBreaker {
  const path = breakerStatePath(scope, name);
  const cooldownMs = positive('cooldownMs', options.cooldownMs ?? 30_000, false);
  const policy: Policy = {
    failureThreshold: positive('failureThreshold', options.failureThreshold ?? 5, true),
    cooldownMs,
    halfOpenMax: positive('halfOpenMax', options.halfOpenMax ?? 1, true),
    probeTimeoutMs: positive('probeTimeoutMs', options.probeTimeoutMs ?? cooldownMs, false),
  };
  const now = options.now ?? Date.now;
  const isFailure = options.isFailure ?? (() => true);
  const lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  const staleLockMs = options.staleLockMs ?? 2_000;
  const what = `circuit breaker '${name}'`;

  const update = <R>(step: (s: BreakerSnapshot, at: number) => { next: BreakerSnapshot; transition?: Transition } & R) =>
    withLock(path, what, lockTimeoutMs, staleLockMs, () => {
      const at = now();
      const current = readState(path, name, at);
      const result = step(current, at);
      if (result.next !== current) writeState(path, result.next);
      return result;
    });

  const announce = (transition: Transition | undefined): void => {
    if (transition === undefined || options.onStateChange === undefined) return;
    try {
      options.onStateChange(transition.from, transition.to, transition.reason);
    } catch (error) {
      process.emitWarning(`${what}: onStateChange threw ${describeError(error)}`);
    }
  };

  return {
    name,
    path,
    async call<T>(fn: () => T | Promise<T>): Promise<T> {
      const admission = await update((s, at) => admit(s, policy, at));
      announce(admission.transition);
      if (admission.refusal !== undefined) throw admission.refusal;
      const ticket = admission.ticket!;
      let outcome: Outcome;
      let value: T;
      try {
        value = await fn();
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, counted: isFailure(error), message: describeError(error) };
        const settled = await update((s, at) => settle(s, policy, ticket, outcome, at));
        announce(settled.transition);
        throw error;
      }
      const settled = await update((s, at) => settle(s, policy, ticket, outcome, at));
      announce(settled.transition);
      return value;
    },
    state: () => readState(path, name, now()).state,
    snapshot: () => readState(path, name, now()),
  };
}
