/**
 * How many cores other work keeps busy right now, so a map on a shared machine does not plan for
 * cores it cannot get. Measured, not guessed: the machine's busy CPU time (Linux /proc/stat) over
 * a recent window, minus this process's own CPU time (its map workers included) over the same
 * window. Snapshots are taken when this module loads and whenever a map asks, and the estimate uses
 * the most recent snapshot at least MIN_WINDOW_MS old (a window of a few seconds, not the minute
 * a load average lags by).
 */
import { readFileSync } from 'node:fs';

/** /proc/stat ticks are 1/100 s: a window this long has a resolution of about 1%. */
const MIN_WINDOW_MS = 500;
const MAX_SNAPSHOTS = 16;
const TICK_MS = 10;

export interface Snapshot {
  readonly at: number;
  /** Busy and total CPU ms over all cores, since boot. */
  readonly busyMs: number;
  /** This process's CPU ms (user + system), since it started. */
  readonly ownMs: number;
}

/** Parses the aggregate `cpu` line of /proc/stat into busy and total ms (idle and iowait are not busy). */
export function parseProcStat(text: string): { busyMs: number; totalMs: number } | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((v) => !Number.isFinite(v))) return undefined;
  // user nice system idle iowait irq softirq steal (guest counts are already inside user/nice).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const busy = user + nice + system + irq + softirq + steal;
  return { busyMs: busy * TICK_MS, totalMs: (busy + idle + iowait) * TICK_MS };
}

function snapshot(): Snapshot | undefined {
  let parsed: ReturnType<typeof parseProcStat>;
  try {
    parsed = parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const own = process.cpuUsage();
  return { at: performance.now(), busyMs: parsed.busyMs, ownMs: (own.user + own.system) / 1000 };
}

const snapshots: Snapshot[] = [];
const first = snapshot();
if (first) snapshots.push(first);

/** Cores busy with other processes' work over [from, to] (≥ 0). */
export function otherBusy(from: Snapshot, to: Snapshot): number {
  const wall = to.at - from.at;
  if (wall <= 0) return 0;
  return Math.max(0, (to.busyMs - from.busyMs - (to.ownMs - from.ownMs)) / wall);
}

/** Cores other work keeps busy, measured over the last few seconds; undefined when it cannot be measured yet. */
export function busyElsewhere(): { cores: number; windowMs: number } | undefined {
  const now = snapshot();
  if (!now) return undefined;
  const base = [...snapshots].reverse().find((s) => now.at - s.at >= MIN_WINDOW_MS);
  snapshots.push(now);
  // Keep a few recent snapshots; the oldest ones stop being "recent".
  while (snapshots.length > MAX_SNAPSHOTS || (snapshots.length > 2 && now.at - snapshots[0]!.at > 60_000)) snapshots.shift();
  if (!base) return undefined;
  return { cores: otherBusy(base, now), windowMs: now.at - base.at };
}
