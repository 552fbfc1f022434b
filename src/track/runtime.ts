/**
 * Plugs tracking into the runtime: `ctx.log` and `ctx.registerModel` in every step (workers and
 * the inline executor), and the coordinator's handlers for tracking records. Imported once, for
 * its side effects, by the run entry point and the pool worker entry point.
 */
import { registerRecordHandler } from '../runtime/records.js';
import { registerContextExtension } from '../runtime/task-runner.js';
import { openBlobStore } from '../store/home.js';
import type { ArtifactStore } from '../store/types.js';
import './context.js';
import { HANDLERS } from './handlers.js';
import { setRunHome } from './home.js';
import { TaskLog } from './log.js';
import { claimParam } from './claims.js';
import { readTracking } from './reader.js';
import { createRegisterModel } from './register.js';

for (const [kind, handler] of Object.entries(HANDLERS)) registerRecordHandler(kind, handler);

const blobStores = new Map<string, ArtifactStore>();
const blobsOf = (home: string): ArtifactStore => {
  let blobs = blobStores.get(home);
  if (!blobs) blobStores.set(home, (blobs = openBlobStore(home)));
  return blobs;
};

registerContextExtension((base, { run, spec, emit }) => {
  setRunHome(run.home);
  base.log = new TaskLog({ runId: run.runId, flowParams: run.params, emit, claim: (key, text) => claimParam(run.home, run.runId, key, text) });
  const inputs: Record<string, string> = {};
  for (const [name, pointer] of Object.entries(spec.artifacts)) inputs[name] = pointer.digest;
  for (const input of spec.joinInputs ?? []) {
    for (const [name, pointer] of Object.entries(input.artifacts)) inputs[`${input.step}[${input.index}].${name}`] = pointer.digest;
  }
  base.registerModel = createRegisterModel({
    pathspec: `${run.flow}/${run.runId}/${spec.step}/${spec.taskId}`,
    user: run.user,
    blobs: blobsOf(run.home),
    visibleInputs: inputs,
    emit,
    reader: () => readTracking(run.home),
  });
});
