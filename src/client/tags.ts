/**
 * Rules for user tags. System tags (`user:…`, `runtime:…`) are set by Sluice when a run is
 * created and never change; user tags are non-empty strings of at most 500 characters.
 */
import type { RunRecord } from '../store/types.js';
import { ClientError } from './errors.js';

/** Longest accepted tag. */
export const MAX_TAG_LENGTH = 500;

/** Why a value cannot be a user tag, or undefined when it can. */
export function userTagProblem(tag: unknown): string | undefined {
  if (typeof tag !== 'string') return `tags must be strings, got ${tag === null ? 'null' : typeof tag}`;
  if (tag.trim() === '') return 'tags must not be empty';
  if (tag.length > MAX_TAG_LENGTH) return `tag is ${tag.length} characters long; the limit is ${MAX_TAG_LENGTH}`;
  return undefined;
}

/** The namespaces of a run's system tags (`user:`, `runtime:`): user tags may not pose as them. */
function systemNamespaces(run: RunRecord): Set<string> {
  return new Set(run.systemTags.flatMap((t) => (t.includes(':') ? [t.slice(0, t.indexOf(':') + 1)] : [])));
}

/**
 * Checks tags to add to or remove from a run; throws {@link ClientError} naming the first bad
 * tag and why. Returns the tags, deduplicated.
 */
export function checkTagChange(run: RunRecord, tags: readonly unknown[], action: 'add' | 'remove'): string[] {
  const where = `${run.flow}/${run.runId}`;
  if (tags.length === 0) throw new ClientError(`no tags to ${action} on run ${where}: give at least one`);
  const namespaces = systemNamespaces(run);
  for (const tag of tags) {
    const problem = userTagProblem(tag);
    if (problem) throw new ClientError(`cannot ${action} tag ${shown(tag)} on run ${where}: ${problem}`);
    const text = tag as string;
    if (run.systemTags.includes(text)) {
      throw new ClientError(`cannot ${action} tag '${text}' on run ${where}: it is a system tag, and system tags are immutable`);
    }
    const ns = text.includes(':') ? text.slice(0, text.indexOf(':') + 1) : '';
    if (action === 'add' && namespaces.has(ns)) {
      throw new ClientError(
        `cannot add tag '${text}' on run ${where}: the '${ns}' prefix is reserved for system tags; choose a tag without it`,
      );
    }
  }
  return [...new Set(tags as string[])];
}

function shown(tag: unknown): string {
  if (typeof tag !== 'string') return String(tag);
  return tag.length > 40 ? `${JSON.stringify(tag.slice(0, 40))}…` : JSON.stringify(tag);
}
