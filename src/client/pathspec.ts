/**
 * Pathspecs address everything a run produced: `Flow`, `Flow/RunId`, `Flow/RunId/Step`,
 * `Flow/RunId/Step/TaskId`. The run id `latest` stands for the flow's newest run.
 */
import { isRunId } from '../store/ids.js';
import { PathspecError } from './errors.js';

/** What a pathspec names. */
export type PathspecKind = 'flow' | 'run' | 'step' | 'task';

/** A parsed (well-formed, not yet looked up) pathspec. */
export interface Pathspec {
  readonly kind: PathspecKind;
  readonly flow: string;
  /** A run id, or `latest`. */
  readonly runId?: string;
  readonly step?: string;
  readonly taskId?: number;
}

/** The run id alias for a flow's newest run. */
export const LATEST = 'latest';

const KINDS: readonly PathspecKind[] = ['flow', 'run', 'step', 'task'];
const FORMS = 'Flow, Flow/RunId, Flow/RunId/Step or Flow/RunId/Step/TaskId';
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Parses a pathspec; throws {@link PathspecError} saying which part is malformed. */
export function parsePathspec(text: string): Pathspec {
  if (typeof text !== 'string' || text.trim() === '') throw new PathspecError(String(text), `empty pathspec: expected ${FORMS}`);
  const parts = text.trim().replace(/\/+$/, '').split('/');
  if (parts.length > 4) throw new PathspecError(text, `pathspec '${text}' has ${parts.length} parts; expected at most 4: ${FORMS}`);
  const empty = parts.findIndex((p) => p === '');
  if (empty >= 0) throw new PathspecError(text, `pathspec '${text}' has an empty ${KINDS[empty]} part; expected ${FORMS}`);
  const [flow, runId, step, task] = parts as [string, string?, string?, string?];
  if (!NAME.test(flow)) throw new PathspecError(text, `pathspec '${text}': '${flow}' is not a flow name (letters, digits and '_')`);
  if (runId !== undefined && runId !== LATEST && !isRunId(runId)) {
    throw new PathspecError(text, `pathspec '${text}': '${runId}' is not a run id (15 characters of 0-9 and a-z) nor '${LATEST}'`);
  }
  if (step !== undefined && !NAME.test(step)) throw new PathspecError(text, `pathspec '${text}': '${step}' is not a step name`);
  let taskId: number | undefined;
  if (task !== undefined) {
    if (!/^[1-9][0-9]*$/.test(task) || !Number.isSafeInteger(Number(task))) {
      throw new PathspecError(text, `pathspec '${text}': task id '${task}' must be a positive integer`);
    }
    taskId = Number(task);
  }
  return { kind: KINDS[parts.length - 1]!, flow, runId, step, taskId };
}

/** Parses a pathspec and checks it names the expected kind of thing. */
export function parsePathspecOf(text: string, kind: PathspecKind): Pathspec {
  const spec = parsePathspec(text);
  if (spec.kind !== kind) {
    const form = ['Flow', 'Flow/RunId', 'Flow/RunId/Step', 'Flow/RunId/Step/TaskId'][KINDS.indexOf(kind)];
    throw new PathspecError(text, `'${text}' is a ${spec.kind} pathspec; expected a ${kind} pathspec (${form})`);
  }
  return spec;
}

/** Joins parts into a pathspec. */
export function formatPathspec(flow: string, runId?: string, step?: string, taskId?: number): string {
  return [flow, runId, step, taskId === undefined ? undefined : String(taskId)].filter((p) => p !== undefined).join('/');
}
