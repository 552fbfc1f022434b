/**
 * How many cores and how much memory this process may really use: the machine's numbers, cut by
 * Linux cgroup limits (v2 `cpu.max` / `memory.max`, v1 CFS quota / `memory.limit_in_bytes`), which
 * containers set while `os.cpus()` still reports every core of the host.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { join } from 'node:path';

/** Limits at or above this are "no limit" (cgroup v1 writes 2^63 rounded to a page). */
const UNLIMITED = 2 ** 60;

/** Parses cgroup v2 `cpu.max` ("200000 100000" → 2 cores; "max 100000" → no limit). */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (!quota || quota === 'max') return undefined;
  const q = Number(quota);
  const p = Number(period ?? 100_000);
  return q > 0 && p > 0 ? q / p : undefined;
}

/** Parses cgroup v1 CFS quota and period (quota -1 → no limit). */
export function parseCfs(quotaText: string, periodText: string): number | undefined {
  const q = Number(quotaText.trim());
  const p = Number(periodText.trim());
  return q > 0 && p > 0 ? q / p : undefined;
}

/** Parses a memory limit file ("max" or a huge number → no limit). */
export function parseMemoryLimit(text: string): number | undefined {
  const t = text.trim();
  if (t === '' || t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 && n < UNLIMITED ? n : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** This process's cgroup v2 directory (from /proc/self/cgroup's `0::/path`), or the mount root. */
function v2Dirs(root: string): string[] {
  const line = read('/proc/self/cgroup')
    ?.split('\n')
    .find((l) => l.startsWith('0::'));
  const own = line?.slice(3).trim();
  return own && own !== '/' ? [join(root, own), root] : [root];
}

/** The CPU limit in cores (fractional allowed), or undefined when no cgroup limits this process. */
export function cgroupCpuLimit(root = '/sys/fs/cgroup'): number | undefined {
  for (const dir of v2Dirs(root)) {
    const text = read(join(dir, 'cpu.max'));
    if (text !== undefined) return parseCpuMax(text);
  }
  for (const dir of ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']) {
    const quota = read(join(root, dir, 'cpu.cfs_quota_us'));
    const period = read(join(root, dir, 'cpu.cfs_period_us'));
    if (quota !== undefined && period !== undefined) return parseCfs(quota, period);
  }
  return undefined;
}

/** Memory limit and current usage of this process's cgroup (bytes), when limited. */
export function cgroupMemory(root = '/sys/fs/cgroup'): { limit: number; used: number } | undefined {
  for (const dir of v2Dirs(root)) {
    const limit = read(join(dir, 'memory.max'));
    if (limit === undefined) continue;
    const max = parseMemoryLimit(limit);
    if (max === undefined) return undefined;
    return { limit: max, used: Number(read(join(dir, 'memory.current')) ?? 0) || 0 };
  }
  const limit = read(join(root, 'memory', 'memory.limit_in_bytes'));
  const max = limit === undefined ? undefined : parseMemoryLimit(limit);
  if (max === undefined) return undefined;
  return { limit: max, used: Number(read(join(root, 'memory', 'memory.usage_in_bytes')) ?? 0) || 0 };
}

/** Cores this process may use: CPU affinity (availableParallelism) cut by the cgroup quota. */
export interface CoreInfo {
  readonly usable: number;
  readonly online: number;
  /** The cgroup quota in cores, when one is set. */
  readonly cgroup: number | undefined;
}

// Reading cgroup files costs syscalls; a map planned every few microseconds must not pay them each time.
const CACHE_MS = 2000;
let coresCache: { at: number; info: CoreInfo } | undefined;
let memoryCache: { at: number; info: MemoryInfo } | undefined;

export function usableCores(): CoreInfo {
  const now = performance.now();
  if (coresCache && now - coresCache.at < CACHE_MS) return coresCache.info;
  const online = availableParallelism();
  const cgroup = cgroupCpuLimit();
  const info = { usable: Math.max(1, Math.min(online, cgroup ?? Infinity)), online, cgroup };
  coresCache = { at: now, info };
  return info;
}

/** Memory this process could still allocate: free (available) memory, cut by the cgroup's headroom. */
export interface MemoryInfo {
  readonly free: number;
  readonly total: number;
  readonly cgroupLimit: number | undefined;
}

export function freeMemory(): MemoryInfo {
  const now = performance.now();
  if (memoryCache && now - memoryCache.at < CACHE_MS / 2) return memoryCache.info;
  const cg = cgroupMemory();
  const free = cg ? Math.min(freemem(), Math.max(0, cg.limit - cg.used)) : freemem();
  const info = { free, total: cg ? Math.min(cg.limit, totalmem()) : totalmem(), cgroupLimit: cg?.limit };
  memoryCache = { at: now, info };
  return info;
}
