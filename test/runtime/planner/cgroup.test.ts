import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreBudget } from '../../../src/runtime/planner/budget.js';
import { parseCfs, parseCpuMax, parseMemoryLimit } from '../../../src/runtime/planner/cgroup.js';

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
  assert.equal(coreBudget({}, info).cores, 8);
  assert.match(coreBudget({}, info).reason, /8 usable cores \(cgroup quota 8\)/);
  const pooled = coreBudget({ SLUICE_POOL_WORKERS: '4' }, info);
  assert.equal(pooled.cores, 2);
  assert.match(pooled.reason, /one of 4 pool workers sharing 8 usable cores/);
  assert.equal(coreBudget({ SLUICE_POOL_WORKERS: '16' }, info).cores, 1, 'never below one core');
  assert.equal(coreBudget({ SLUICE_POOL_WORKERS: '4', SLUICE_CPU_BUDGET: '3' }, info).cores, 3, 'an explicit budget wins');
  assert.equal(coreBudget({ SLUICE_CPU_BUDGET: '99' }, info).cores, 8, 'but never above the machine');
  assert.equal(coreBudget({ SLUICE_CPU_BUDGET: 'lots' }, info).cores, 8, 'nonsense is ignored');
});
