import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreBudget } from '../../../src/runtime/planner/budget.js';
import { parseCfs, parseCpuMax, parseMemoryLimit } from '../../../src/runtime/planner/cgroup.js';
import { otherBusy, parseProcStat } from '../../../src/runtime/planner/load.js';

test('cgroup v2 cpu.max: quota/period in cores, "max" is no limit', () => {
  assert.equal(parseCpuMax('200000 100000\n'), 2);
  assert.equal(parseCpuMax('150000 100000'), 1.5);
  assert.equal(parseCpuMax('max 100000'), undefined);
  assert.equal(parseCpuMax(''), undefined);
});

test('cgroup v1 CFS quota: -1 is no limit', () => {
  assert.equal(parseCfs('-1\n', '100000\n'), undefined);
  assert.equal(parseCfs('50000', '100000'), 0.5);
});

test('memory limits: "max" and page-rounded 2^63 are no limit', () => {
  assert.equal(parseMemoryLimit('max\n'), undefined);
  assert.equal(parseMemoryLimit('9223372036854771712'), undefined);
  assert.equal(parseMemoryLimit('4294967296\n'), 4 * 1024 ** 3);
});

test('core budget: the machine, a pool worker\'s share, or an explicit budget', () => {
  const info = { usable: 8, online: 16, cgroup: 8 };
  const idle = { cores: 0, windowMs: 1000 };
  assert.equal(coreBudget({}, info, idle).cores, 8);
  assert.match(coreBudget({}, info, idle).reason, /8 usable cores \(cgroup quota 8\)/);
  const busy = coreBudget({}, info, { cores: 5.5, windowMs: 3000 });
  assert.equal(busy.cores, 8);
  assert.equal(busy.otherBusy, 5.5);
  assert.match(busy.reason, /; 5\.5 busy with other work \(measured over 3\.0 s\): our threads get a fair share/);
  assert.equal(coreBudget({}, info, { cores: 0.1, windowMs: 3000 }).otherBusy, 0, 'a little noise is no load');
  const pooled = coreBudget({ SLUICE_POOL_WORKERS: '4' }, info, { cores: 6, windowMs: 1000 });
  assert.equal(pooled.cores, 2);
  assert.equal(pooled.otherBusy, 0, 'sibling workers are what the share accounts for');
  assert.match(pooled.reason, /one of 4 pool workers sharing 8 usable cores/);
  assert.equal(coreBudget({ SLUICE_POOL_WORKERS: '16' }, info, idle).cores, 1, 'never below one core');
  assert.equal(coreBudget({ SLUICE_POOL_WORKERS: '4', SLUICE_CPU_BUDGET: '3' }, info, idle).cores, 3, 'an explicit budget wins');
  assert.equal(coreBudget({ SLUICE_CPU_BUDGET: '99' }, info, idle).cores, 8, 'but never above the machine');
  assert.equal(coreBudget({ SLUICE_CPU_BUDGET: 'lots' }, info, idle).cores, 8, 'nonsense is ignored');
});

test('load: /proc/stat busy time minus our own CPU time, per ms of wall time', () => {
  const stat = 'cpu  100 5 20 1000 7 1 2 3 0 0\ncpu0 50 2 10 500 3 0 1 1 0 0\n';
  // busy = user + nice + system + irq + softirq + steal = 131 ticks; total adds idle and iowait.
  assert.deepEqual(parseProcStat(stat), { busyMs: 1310, totalMs: 11_380 });
  assert.equal(parseProcStat('intr 1 2 3'), undefined);
  // Over 1 s: 1500 ms busy in all, 400 ms of it ours → 1.1 cores busy elsewhere.
  assert.equal(otherBusy({ at: 0, busyMs: 0, ownMs: 0 }, { at: 1000, busyMs: 1500, ownMs: 400 }), 1.1);
  assert.equal(otherBusy({ at: 0, busyMs: 0, ownMs: 0 }, { at: 1000, busyMs: 100, ownMs: 400 }), 0, 'never negative');
});
