/**
 * Run ids: short, time-sortable, safe in paths and URLs.
 *
 * Format: 9 base36 characters of milliseconds since the epoch, then 6 base36 characters of
 * randomness, e.g. `mhf0q3k2a4x9z1b`. Lexicographic order is creation order: within one process
 * the random part is incremented when the clock has not advanced (or went backwards), so ids
 * created in the same millisecond still sort in creation order. Two processes collide only if
 * they draw the same 6 random characters in the same millisecond (about 1 in 10^9).
 */
import { randomInt } from 'node:crypto';

const TIME_CHARS = 9;
const RANDOM_CHARS = 6;
const RANDOM_SPACE = 36 ** RANDOM_CHARS;
/** Random starts are drawn from the lower half so a burst can increment without overflowing. */
const RANDOM_START_SPACE = RANDOM_SPACE / 2;

let lastTime = -1;
let lastRandom = 0;

function encode(value: number, width: number): string {
  return value.toString(36).padStart(width, '0');
}

/** A new run id, greater than every id this process made before. */
export function newRunId(now: number = Date.now()): string {
  let time = Math.floor(now);
  let random: number;
  if (time <= lastTime) {
    time = lastTime;
    random = lastRandom + 1;
    if (random >= RANDOM_SPACE) {
      // Increment space exhausted in this millisecond: borrow the next one.
      time += 1;
      random = randomInt(RANDOM_START_SPACE);
    }
  } else {
    random = randomInt(RANDOM_START_SPACE);
  }
  lastTime = time;
  lastRandom = random;
  return encode(time, TIME_CHARS) + encode(random, RANDOM_CHARS);
}

const RUN_ID = /^[0-9a-z]{15}$/;

/** Whether a string has the shape of an id made by {@link newRunId}. */
export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/** The creation time (ms since the epoch) encoded in an id made by {@link newRunId}. */
export function runIdTime(id: string): number {
  if (!isRunId(id)) throw new RangeError(`'${id}' is not a Sluice run id (expected 15 characters of [0-9a-z])`);
  return parseInt(id.slice(0, TIME_CHARS), 36);
}
