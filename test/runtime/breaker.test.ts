import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import {
  BreakerLockError,
  breakerStatePath,
  circuitBreaker,
  CircuitOpenError,
  type BreakerState,
  type CircuitBreakerOptions,
} from '../../src/runtime/breaker.js';
import { tempHome } from '../helpers/run.js';

const WORKER = join(import.meta.dirname, '..', 'fixtures', 'resilience', 'breaker-worker.ts');

interface Clock {
  t: number;
}

function setup(options: Partial<CircuitBreakerOptions> = {}, name = 'svc') {
  const home = tempHome('sluice-breaker-');
  const clock: Clock = { t: 1_000_000 };
  const log: string[] = [];
  const scope = { home: home.home, flow: 'F', runId: 'r1' };
  const make = (extra: Partial<CircuitBreakerOptions> = {}) =>
    circuitBreaker(
      name,
      {
        failureThreshold: 3,
        cooldownMs: 10_000,
        now: () => clock.t,
        onStateChange: (from, to, reason) => log.push(`${from}->${to}: ${reason}`),
        ...options,
        ...extra,
      },
      scope,
    );
  return { home, clock, log, scope, breaker: make(), make };
}

const fail = (message = 'boom') => () => Promise.reject(new Error(message));

async function refusal(promise: Promise<unknown>): Promise<CircuitOpenError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CircuitOpenError, `expected CircuitOpenError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call was let through');
}

test('opens after N consecutive failures and then fails fast without calling, naming the breaker and the probe time', async () => {
  const { home, clock, log, breaker } = setup();
  await assert.rejects(breaker.call(fail()), /boom/);
  await assert.rejects(breaker.call(fail()), /boom/);
  // A success in between resets the count.
  assert.equal(await breaker.call(() => 42), 42);
  assert.equal(breaker.snapshot().consecutiveFailures, 0);
  for (let i = 0; i < 2; i++) await assert.rejects(breaker.call(fail()), /boom/);
  assert.equal(breaker.state(), 'closed');
  await assert.rejects(breaker.call(fail('third')), /third/);
  assert.equal(breaker.state(), 'open');
  assert.deepEqual(log, ['closed->open: 3 consecutive failures (last: Error: third); failing fast for 10s']);

  clock.t += 4_000;
  let called = false;
  const error = await refusal(
    breaker.call(() => {
      called = true;
    }),
  );
  assert.equal(called, false);
  assert.equal(error.breaker, 'svc');
  assert.equal(error.state, 'open');
  assert.equal(error.probeAt, 1_000_000 + 10_000);
  assert.match(error.message, /circuit breaker 'svc' is open after 3 consecutive failures \(last failure: Error: third\)/);
  assert.match(error.message, /probe call through at 1970-01-01T00:16:50\.000Z \(in 6\.0s\)/);
  home.cleanup();
});

test('after the cool-down one probe goes through: others fail fast meanwhile; success closes', async () => {
  const { home, clock, log, breaker } = setup();
  for (let i = 0; i < 3; i++) await assert.rejects(breaker.call(fail()));
  clock.t += 10_000;
  let release!: (v: string) => void;
  const probe = breaker.call(() => new Promise<string>((resolve) => (release = resolve)));
  // Let the probe's admission finish before the second call arrives.
  while (breaker.state() !== 'half-open') await new Promise((r) => setImmediate(r));
  const second = await refusal(breaker.call(() => 'not me'));
  assert.equal(second.state, 'half-open');
  assert.match(second.message, /half-open and its 1 probe call\(s\) are still running/);
  release('probed');
  assert.equal(await probe, 'probed');
  assert.equal(breaker.state(), 'closed');
  assert.equal(await breaker.call(() => 'normal'), 'normal');
  assert.deepEqual(log.slice(1), ['open->half-open: cool-down of 10s over: letting a probe call through', 'half-open->closed: probe call succeeded']);
  const snap = breaker.snapshot();
  assert.equal(snap.generation, 3);
  assert.equal(snap.transitions, 3);
  home.cleanup();
});

test('a failed probe re-opens the breaker for another cool-down', async () => {
  const { home, clock, log, breaker } = setup();
  for (let i = 0; i < 3; i++) await assert.rejects(breaker.call(fail()));
  clock.t += 10_001;
  await assert.rejects(breaker.call(fail('still down')), /still down/);
  assert.equal(breaker.state(), 'open');
  assert.equal(breaker.snapshot().probeAt, clock.t + 10_000);
  assert.equal(log[2], 'half-open->open: probe call failed (Error: still down); next probe in 10s');
  clock.t += 9_999;
  await refusal(breaker.call(() => 1));
  clock.t += 1;
  assert.equal(await breaker.call(() => 'recovered'), 'recovered');
  assert.equal(breaker.state(), 'closed');
  home.cleanup();
});

test('errors that isFailure rejects pass through without counting', async () => {
  class NotFound extends Error {}
  const { home, breaker } = setup({ isFailure: (e) => !(e instanceof NotFound) });
  for (let i = 0; i < 5; i++) {
    await assert.rejects(
      breaker.call(() => {
        throw new NotFound('no such user');
      }),
      NotFound,
    );
  }
  assert.equal(breaker.state(), 'closed');
  assert.equal(breaker.snapshot().consecutiveFailures, 0);
  home.cleanup();
});

test('the outcome of a call admitted before the breaker opened is ignored', async () => {
  const { home, breaker } = setup({ failureThreshold: 2 });
  let release!: () => void;
  const slow = breaker.call(() => new Promise<void>((resolve) => (release = resolve)));
  while (release === undefined) await new Promise((r) => setImmediate(r));
  await assert.rejects(breaker.call(fail()));
  await assert.rejects(breaker.call(fail()));
  assert.equal(breaker.state(), 'open');
  release();
  await slow; // succeeds, but reports on the closed state that no longer exists
  assert.equal(breaker.state(), 'open');
  home.cleanup();
});

test('a probe that never reports back frees its slot after probeTimeoutMs', async () => {
  const { home, clock, breaker, make } = setup({ probeTimeoutMs: 5_000 });
  for (let i = 0; i < 3; i++) await assert.rejects(breaker.call(fail()));
  clock.t += 10_000;
  // A probe started in a process that then died: simulated by a pending promise never settled.
  void breaker.call(() => new Promise<void>(() => {}));
  while (breaker.state() !== 'half-open') await new Promise((r) => setImmediate(r));
  const other = make();
  await refusal(other.call(() => 1));
  clock.t += 5_000;
  assert.equal(await other.call(() => 'probe 2'), 'probe 2');
  assert.equal(other.state(), 'closed');
  home.cleanup();
});

test('two breaker objects with the same name and run share one state file', async () => {
  const { home, scope, breaker, make } = setup();
  const twin = make();
  await assert.rejects(breaker.call(fail()));
  await assert.rejects(twin.call(fail()));
  await assert.rejects(breaker.call(fail()));
  assert.equal(twin.state(), 'open');
  assert.equal(breaker.path, join(home.home, 'runs', 'F', 'r1', 'breakers', 'svc.json'));
  assert.equal(breakerStatePath(scope, 'svc'), breaker.path);
  // Another run's breaker of the same name is independent.
  const otherRun = circuitBreaker('svc', {}, { ...scope, runId: 'r2' });
  assert.equal(otherRun.state(), 'closed');
  // No temp or lock files are left behind.
  assert.deepEqual(readdirSync(dirname(breaker.path)), ['svc.json']);
  home.cleanup();
});

test('a stale lock left by a dead process is broken; a live one times out with an error naming the lock', async () => {
  const { home, breaker } = setup({ lockTimeoutMs: 100, staleLockMs: 2_000 });
  const lock = `${breaker.path}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  writeFileSync(lock, 'held');
  await assert.rejects(breaker.call(() => 1), (error: unknown) => {
    assert.ok(error instanceof BreakerLockError);
    assert.match(error.message, /circuit breaker 'svc': could not take the state lock .*svc\.json\.lock within 100ms/);
    return true;
  });
  const old = (Date.now() - 10_000) / 1000;
  utimesSync(lock, old, old);
  assert.equal(await breaker.call(() => 'through'), 'through');
  assert.equal(existsSync(lock), false);
  home.cleanup();
});

test('bad names and options are refused with what was expected', () => {
  const scope = { home: '/tmp/x', flow: 'F', runId: 'r' };
  assert.throws(() => circuitBreaker('../escape', {}, scope), /circuit breaker name "\.\.\/escape" is not usable: expected 1-100 characters/);
  assert.throws(() => circuitBreaker('ok', { failureThreshold: 0 }, scope), /failureThreshold must be a positive integer, got 0/);
  assert.throws(() => circuitBreaker('ok', { cooldownMs: -1 }, scope), /cooldownMs must be a positive number, got -1/);
});

// ---- shared across processes ----

interface WorkerResult {
  invoked: number;
  refused: number;
  failed: number;
  transitions: { from: BreakerState; to: BreakerState; reason: string }[];
}

function runWorker(config: Record<string, unknown>): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`breaker worker exited with ${code}: ${err}`));
      else resolve(JSON.parse(out) as WorkerResult);
    });
  });
}

const PROCESSES = 3;

test('processes hammering one breaker lose no updates (3 × 150 failures are all counted)', async () => {
  const home = tempHome('sluice-breaker-');
  const config = { home: home.home, flow: 'F', runId: 'r1', name: 'counter', calls: 150, behaviour: 'fail', options: { failureThreshold: 1_000_000 } };
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(config)));
  for (const r of results) assert.deepEqual([r.invoked, r.failed, r.refused], [150, 150, 0]);
  const shared = circuitBreaker('counter', {}, config);
  assert.equal(shared.snapshot().consecutiveFailures, PROCESSES * 150);
  assert.equal(shared.state(), 'closed');
  home.cleanup();
});

test('processes share the open state: the breaker opens once, and then nobody calls the service', async () => {
  const home = tempHome('sluice-breaker-');
  const calls = 20;
  const config = { home: home.home, flow: 'F', runId: 'r1', name: 'svc', calls, behaviour: 'fail', options: { failureThreshold: 5, cooldownMs: 3_600_000 } };
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(config)));
  const invoked = results.reduce((n, r) => n + r.invoked, 0);
  const refused = results.reduce((n, r) => n + r.refused, 0);
  const transitions = results.flatMap((r) => r.transitions);
  // 5 failures open it; at most one call per other process was already running at that moment.
  assert.ok(invoked >= 5 && invoked <= 5 + PROCESSES - 1, `service called ${invoked} times`);
  assert.equal(invoked + refused, PROCESSES * calls);
  assert.deepEqual(
    transitions.map((t) => `${t.from}->${t.to}`),
    ['closed->open'],
  );
  const snap = circuitBreaker('svc', {}, config).snapshot();
  assert.deepEqual([snap.state, snap.generation, snap.consecutiveFailures], ['open', 1, 5]);
  home.cleanup();
});

test('after the cool-down exactly one process gets the probe; its failure re-opens the breaker for all', async () => {
  const home = tempHome('sluice-breaker-');
  const scope = { home: home.home, flow: 'F', runId: 'r1' };
  // Open it with a clock in the past, so its cool-down is long over for the workers.
  const opener = circuitBreaker('svc', { failureThreshold: 1, cooldownMs: 1, now: () => 1_000 }, scope);
  await assert.rejects(opener.call(fail()));
  assert.equal(opener.state(), 'open');
  const config = { ...scope, name: 'svc', calls: 5, behaviour: 'fail', options: { failureThreshold: 1, cooldownMs: 3_600_000 } };
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(config)));
  assert.equal(
    results.reduce((n, r) => n + r.invoked, 0),
    1,
  );
  assert.equal(
    results.reduce((n, r) => n + r.refused, 0),
    PROCESSES * 5 - 1,
  );
  const transitions = results.flatMap((r) => r.transitions.map((t) => `${t.from}->${t.to}`));
  assert.deepEqual(transitions, ['open->half-open', 'half-open->open']);
  const snap = opener.snapshot();
  assert.equal(snap.state, 'open');
  assert.equal(snap.generation, 3);
  home.cleanup();
});
