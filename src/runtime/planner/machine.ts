/**
 * Machine facts the planner needs and measures once: how long a map worker takes to start, what a
 * chunk round trip costs, how much memory a worker adds. They are cached in the store home
 * (`<home>/planner/machine.json`) and re-measured when the machine, Node or the runtime's form
 * (source or built) changes, or after a week. Cores and free memory change all the time and are
 * read live (cheap).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readJson, writeJson } from './files.js';
import { mapPool } from './pool.js';

/** What was measured about starting and talking to map workers. */
export interface MachineFacts {
  readonly version: 2;
  /** Host, core count, Node version and entry kind the facts were measured for. */
  readonly key: string;
  readonly measuredAt: number;
  /** ms from creating a worker thread to it running the map entry (incl. the TypeScript loader when needed). */
  readonly workerStartMs: number;
  /** ms for one small message to a worker and back. */
  readonly roundTripMs: number;
  /** ms per message when many are in flight (the pipelined cost of a chunk's dispatch). */
  readonly pipelinedMs: number;
  /** Resident memory one more worker adds (bytes). */
  readonly workerBytes: number;
  /**
   * Each thread's speed when every usable core runs one busy thread, relative to one thread busy
   * alone (1 = cores do not slow each other; 0.9 = two busy threads each run 10% slower).
   */
  readonly threadEfficiency: number;
}

/** Used until the machine has been measured (deliberately on the slow side). */
export const DEFAULT_FACTS: MachineFacts = {
  version: 2,
  key: 'defaults',
  measuredAt: 0,
  workerStartMs: 300,
  roundTripMs: 0.2,
  pipelinedMs: 0.05,
  workerBytes: 40 * 1024 * 1024,
  threadEfficiency: 0.85,
};

const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

let host: string | undefined;

export function machineKey(cores: number): string {
  host ??= hostname();
  return `${host}|${cores}|${process.version}|${import.meta.url.endsWith('.ts') ? 'source' : 'built'}`;
}

export function factsFile(home: string): string {
  return join(home, 'planner', 'machine.json');
}

const memo = new Map<string, MachineFacts>();
let lastStartMs: number | undefined;

/** The worker start-up most recently known in this process (any home), for the cheapest checks. */
export function lastKnownStartMs(): number | undefined {
  return lastStartMs;
}

function remember(home: string, facts: MachineFacts): void {
  memo.set(home, facts);
  lastStartMs = facts.workerStartMs;
}

/** Cached facts for this home, if still valid (no measuring). */
export function cachedFacts(home: string, cores: number): MachineFacts | undefined {
  const key = machineKey(cores);
  const inMemory = memo.get(home);
  if (inMemory && inMemory.key === key) return inMemory;
  const stored = readJson<MachineFacts>(factsFile(home));
  if (stored && stored.version === 2 && stored.key === key && Date.now() - stored.measuredAt < MAX_AGE_MS) {
    remember(home, stored);
    return stored;
  }
  return undefined;
}

/**
 * Measures the machine now (starts one map worker per usable core, which then stay warm in the
 * pool) and caches the facts in `home`. Takes about one worker start, a few hundred round trips
 * and ~0.3 s of the workers spinning (alone, then together).
 */
export async function measureMachine(home: string, cores: number): Promise<MachineFacts> {
  const probe = await mapPool().probe(cores);
  const facts: MachineFacts = {
    version: 2,
    key: machineKey(cores),
    measuredAt: Date.now(),
    workerStartMs: probe.startMs,
    roundTripMs: probe.roundTripMs,
    pipelinedMs: probe.pipelinedMs,
    workerBytes: Math.max(probe.rssBytes, 8 * 1024 * 1024),
    threadEfficiency: probe.threadEfficiency,
  };
  remember(home, facts);
  writeJson(factsFile(home), facts);
  return facts;
}

/** Forgets in-process cached facts (tests). */
export function clearFactsMemo(): void {
  memo.clear();
  lastStartMs = undefined;
}
