/**
 * Loads a flow from a TypeScript (or JavaScript) file. TypeScript is compiled on the fly by tsx,
 * so users run `sluice run flow.ts` with no build step.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { isFlow, type Flow } from '../flow/builder.js';

/** The flow file is missing, throws on import, or exports no flow. */
export class FlowLoadError extends Error {
  override readonly name = 'FlowLoadError';
}

let registered = false;

/** Makes `import()` understand .ts files in this process (idempotent). */
export function enableTypeScriptImports(): void {
  if (registered || process.env.SLUICE_TSX_REGISTERED === '1') return;
  register();
  registered = true;
}

export interface LoadedFlow {
  readonly flow: Flow<any, any, any>;
  /** Absolute path. */
  readonly file: string;
  /** sha256 of the file's source. */
  readonly codeDigest: string;
}

/** Imports `file` and returns its flow: the default export, or the only exported Flow. */
export async function loadFlowFile(file: string): Promise<LoadedFlow> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new FlowLoadError(`flow file not found: ${file}`);
  const source = readFileSync(path);
  enableTypeScriptImports();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const err = error as Error;
    const where = err.stack?.split('\n').find((line) => line.includes(path))?.trim();
    throw new FlowLoadError(`flow file ${file} failed to load: ${err.name}: ${err.message}${where ? ` (${where})` : ''}`);
  }
  const flows = Object.entries(mod).filter(([, v]) => isFlow(v));
  const chosen = isFlow(mod.default) ? mod.default : flows.length === 1 ? flows[0]![1] : undefined;
  if (!chosen) {
    throw new FlowLoadError(
      flows.length > 1
        ? `flow file ${file} exports several flows (${flows.map(([k]) => k).join(', ')}); export the one to run as default`
        : `flow file ${file} exports no flow: add \`export default flow('Name', ...)...\``,
    );
  }
  return { flow: chosen as Flow<any, any, any>, file: path, codeDigest: createHash('sha256').update(source).digest('hex') };
}
