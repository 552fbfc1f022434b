/**
 * Request parameter schemas shared by the routes. Names follow the store's rules, so a path
 * parameter can never carry '/', '..' or NUL into a lookup.
 */
import { z } from '@hono/zod-openapi';

export const FLOW_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,199}$/;
export const RUN_ID = /^[A-Za-z0-9_-]{1,128}$/;

export const flowParam = z
  .string()
  .regex(FLOW_NAME, 'a flow name: a letter or _, then letters, digits, _ or -')
  .openapi({ param: { name: 'flow', in: 'path' }, example: 'TrainFlow' });

export const runIdParam = z
  .string()
  .regex(RUN_ID, 'a run id: letters, digits, _ or -')
  .openapi({ param: { name: 'runId', in: 'path' }, example: 'mhf0q3k2a4x9z1b' });

export const taskIdParam = z.coerce
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ param: { name: 'taskId', in: 'path' }, example: 3 });

export const RunParams = z.object({ flow: flowParam, runId: runIdParam });
export const TaskParams = RunParams.extend({ taskId: taskIdParam });

/** A non-negative integer query parameter. */
export function countQuery(name: string, max = Number.MAX_SAFE_INTEGER) {
  return z.coerce
    .number()
    .int()
    .min(0)
    .max(max)
    .optional()
    .openapi({ param: { name, in: 'query' } });
}
