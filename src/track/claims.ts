/**
 * Param claims: the first task of a run to log a param key claims it in the home, atomically, so
 * a later (or concurrent) task in any worker process that logs a different value fails at once,
 * naming the key and both values. The claim is a file created with link(2), which refuses to
 * replace an existing name: two racing tasks cannot both win, and a reader never sees half a value.
 *
 * Claims live in `<home>/tracking/params/<runId>/`; the metadata store stays the record of what
 * was logged (the coordinator writes it from the tasks' records).
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let counter = 0;

/** Directory holding a run's param claims. */
export function claimsDir(home: string, runId: string): string {
  return join(home, 'tracking', 'params', runId);
}

/**
 * Claims `key` with `text` for the run. Returns undefined when this call made the claim, or the
 * text claimed earlier (equal or not: the caller decides).
 */
export function claimParam(home: string, runId: string, key: string, text: string): string | undefined {
  const dir = claimsDir(home, runId);
  const file = join(dir, encodeURIComponent(key));
  const temp = join(dir, `.tmp-${process.pid}-${++counter}`);
  try {
    writeFileSync(temp, text, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, text, 'utf8');
  }
  try {
    linkSync(temp, file);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8');
  } finally {
    unlinkSync(temp);
  }
}
