/**
 * The model registry API over a Sluice home: models and versions, registration after the fact
 * from a task's artifact, aliases with audited history, quality gates, promotion, loading by
 * reference.
 *
 * ```ts
 * const registry = new Registry();
 * const verdict = await registry.gate('models:/churn/4', { thresholds: { auc: { min: 0.85 } }, vs: { alias: 'production', metric: 'auc', maxRegression: 0.01 } });
 * if (verdict.passed) await registry.promote('churn', 4, 'production', { reason: 'nightly retrain' });
 * const model = await registry.load('models:/churn@production');
 * ```
 */
import { userInfo } from 'node:os';
import { RegistryRefusedError, TrackingNotFoundError } from '../store/tracking/errors.js';
import type { AliasHistoryRecord, GateSpec, GateVerdict, ModelRecord, ModelSignature, ModelVersionRecord, StoredPointer } from '../store/tracking/types.js';
import type { ArtifactRecord, ArtifactStore, MetadataStore } from '../store/types.js';
import { loadValue } from '../store/values.js';
import { defaultHome, HomeStore } from './home.js';
import { formatModelRef, parseModelRef } from './refs.js';
import { inferSignature } from './signature.js';

export interface RegistryOptions {
  readonly home?: string;
  /** Who is acting (recorded in alias history); defaults to SLUICE_USER or the OS user. */
  readonly actor?: string;
}

export interface RegisterFromTaskOptions {
  /** Name of the task's artifact holding the model. */
  readonly artifact: string;
  /** Registered model name. */
  readonly name: string;
  /** Metrics recorded with the version; default: the run's latest metric values. */
  readonly metrics?: Readonly<Record<string, number>>;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly signature?: ModelSignature;
  /** Name of an artifact of the same task to keep as the example input (its signature is inferred). */
  readonly example?: string;
  readonly gate?: GateSpec;
  readonly promote?: { readonly alias: string; readonly requireGate?: boolean; readonly reason?: string };
}

/** The acting user: SLUICE_USER, the OS user, or 'unknown'. */
export function currentActor(): string {
  if (process.env.SLUICE_USER) return process.env.SLUICE_USER;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * A version's pointer to a task's artifact. The version keeps only a pointer (no bytes), and the
 * registry's GC roots are blobs, so a small artifact kept inline in its task's metadata row is
 * written out as a blob here: same bytes, same digest.
 */
function versionPointer(blobs: ArtifactStore, artifact: ArtifactRecord): StoredPointer {
  if (artifact.inline !== undefined) blobs.put(artifact.inline);
  return { digest: artifact.digest, codec: artifact.codec, bytes: artifact.bytes, type: artifact.type };
}

export class Registry {
  private readonly store: HomeStore;
  private readonly actor: string;

  constructor(options: RegistryOptions | string = {}) {
    const opts = typeof options === 'string' ? { home: options } : options;
    this.store = new HomeStore(opts.home ?? defaultHome());
    this.actor = opts.actor ?? currentActor();
  }

  get home(): string {
    return this.store.home;
  }

  private meta(write = false): MetadataStore {
    return this.store.open(write).meta;
  }

  /** Every registered model (optionally filtered: `name LIKE 'churn%'`, `tags.team = 'x'`). */
  async models(filter?: string): Promise<ModelRecord[]> {
    const all: ModelRecord[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.meta().tracking.searchModels({ filter, limit: 1000, pageToken });
      all.push(...page.items);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return all;
  }

  async model(name: string): Promise<ModelRecord> {
    const model = await this.meta().tracking.getModel(name);
    if (!model) {
      const names = (await this.models()).map((m) => m.name);
      throw new TrackingNotFoundError('model', `registered model '${name}' does not exist in ${this.home}; models: ${names.join(', ') || 'none yet'}`);
    }
    return model;
  }

  /** Newest first. */
  async versions(name: string): Promise<ModelVersionRecord[]> {
    await this.model(name);
    return this.meta().tracking.listModelVersions(name);
  }

  /** The version a reference names: `models:/churn@production`, `models:/churn/3`, `models:/churn/latest`. */
  async get(ref: string): Promise<ModelVersionRecord> {
    const parsed = parseModelRef(ref);
    const model = await this.model(parsed.name);
    let version: number;
    if (parsed.kind === 'alias') {
      const at = model.aliases[parsed.alias];
      if (at === undefined) {
        const aliases = Object.keys(model.aliases);
        throw new TrackingNotFoundError('alias', `model '${parsed.name}' has no alias '${parsed.alias}' (${formatModelRef(parsed)}); aliases: ${aliases.join(', ') || 'none'}`);
      }
      version = at;
    } else if (parsed.kind === 'version') version = parsed.version;
    else {
      const [latest] = await this.meta().tracking.listModelVersions(parsed.name);
      if (!latest) throw new TrackingNotFoundError('model version', `model '${parsed.name}' has no versions`);
      return latest;
    }
    const found = await this.meta().tracking.getModelVersion(parsed.name, version);
    if (!found) throw new TrackingNotFoundError('model version', `model '${parsed.name}' has no version ${version} (${formatModelRef(parsed)}); latest is ${model.lastVersion}`);
    return found;
  }

  private loadPointer(pointer: StoredPointer | null, what: string, version: ModelVersionRecord): unknown {
    if (!pointer) {
      throw new TrackingNotFoundError(
        'model version',
        `version ${version.version} of model '${version.name}' has no stored ${what} (it was registered by URI: ${version.source}); only versions registered from Sluice tasks can be loaded`,
      );
    }
    return loadValue(this.store.open().blobs, pointer);
  }

  /** Loads the model a reference names, decoded through its codec (e.g. back into a fitted estimator). */
  async load(ref: string): Promise<unknown> {
    const version = await this.get(ref);
    return this.loadPointer(version.artifact, 'model', version);
  }

  /** Loads the example input stored with a version. */
  async loadExample(ref: string): Promise<unknown> {
    const version = await this.get(ref);
    return this.loadPointer(version.example, 'example input', version);
  }

  /** Registers a task's artifact as a new version (`sluice models register Flow/RunId/step[/taskId] --artifact model`). */
  async register(pathspec: string, options: RegisterFromTaskOptions): Promise<ModelVersionRecord> {
    const parts = pathspec.split('/');
    if (parts.length < 3 || parts.length > 4) throw new TrackingNotFoundError('run', `'${pathspec}' is not a step or task pathspec: use Flow/RunId/step or Flow/RunId/step/taskId`);
    const [flow, runId, step, taskText] = parts as [string, string, string, string | undefined];
    const meta = this.meta();
    const run = await meta.getRun(runId);
    if (!run || run.flow !== flow) throw new TrackingNotFoundError('run', `no run ${flow}/${runId} in ${this.home}`);
    const tasks = (await meta.listTasks(runId, { step })).filter((t) => t.status === 'done' && (taskText === undefined || String(t.taskId) === taskText));
    if (tasks.length !== 1) {
      throw new TrackingNotFoundError(
        'run',
        tasks.length === 0 ? `no finished task at ${pathspec}` : `step ${step} of run ${runId} has ${tasks.length} tasks; name one: ${tasks.map((t) => `${flow}/${runId}/${step}/${t.taskId}`).slice(0, 5).join(', ')}`,
      );
    }
    const task = tasks[0]!;
    const artifacts = await meta.listArtifacts(runId, task.taskId);
    const find = (name: string): ArtifactRecord => {
      const found = artifacts.find((a) => a.name === name);
      if (!found) throw new TrackingNotFoundError('run', `task ${flow}/${runId}/${step}/${task.taskId} has no artifact '${name}' (it has: ${artifacts.map((a) => a.name).join(', ') || 'none'})`);
      return found;
    };
    const artifactRecord = find(options.artifact);
    const exampleRecord = options.example === undefined ? null : find(options.example);
    // Opened for writing from here on (reopening closes the read-only handle `meta` came from).
    const store = this.store.open(true);
    const artifact = versionPointer(store.blobs, artifactRecord);
    const example = exampleRecord && versionPointer(store.blobs, exampleRecord);
    const signature = options.signature ?? (example ? inferSignature(loadValue(store.blobs, example)) : null);
    const metrics = options.metrics ?? Object.fromEntries((await store.meta.tracking.getMetricSummaries(runId)).map((m) => [m.key, m.value]));
    const taskPathspec = `${flow}/${runId}/${step}/${task.taskId}`;
    return store.meta.tracking.createModelVersion({
      name: options.name,
      createdAt: Date.now(),
      createdBy: this.actor,
      source: `sluice:${taskPathspec}/${options.artifact}`,
      runId,
      pathspec: taskPathspec,
      artifact,
      codeDigest: run.codeDigest,
      inputs: task.reads?.artifacts ?? {},
      metrics,
      signature,
      example,
      description: options.description,
      tags: options.tags,
      gate: options.gate,
      promote: options.promote,
    });
  }

  /** Points an alias at a version; with `requireGate`, refuses (and audits the refusal) unless its gate passed. */
  async setAlias(name: string, alias: string, version: number, options: { readonly reason?: string; readonly requireGate?: boolean } = {}): Promise<AliasHistoryRecord> {
    await this.model(name);
    const change = await this.meta(true).tracking.changeAlias({ name, alias, version, requireGate: options.requireGate, actor: this.actor, reason: options.reason, time: Date.now() });
    if (change.action === 'refused') throw new RegistryRefusedError(`alias '${alias}' of model '${name}' was not moved to version ${version}: ${change.reason}`);
    return change;
  }

  async deleteAlias(name: string, alias: string, options: { readonly reason?: string } = {}): Promise<AliasHistoryRecord> {
    await this.model(name);
    return this.meta(true).tracking.changeAlias({ name, alias, actor: this.actor, reason: options.reason, time: Date.now() });
  }

  /** Who moved the alias, when, from which version to which, and why (oldest first). */
  async aliasHistory(name: string, alias?: string): Promise<AliasHistoryRecord[]> {
    await this.model(name);
    return this.meta().tracking.aliasHistory(name, alias);
  }

  /** Evaluates a gate for a version against its baseline alias; the verdict is stored with the version. */
  async gate(ref: string, spec: GateSpec): Promise<GateVerdict> {
    const version = await this.get(ref);
    return this.meta(true).tracking.evaluateGate(version.name, version.version, spec, Date.now());
  }

  /** Moves an alias to a version that passed its gate (`requireGate` defaults to true here). */
  async promote(name: string, version: number, alias: string, options: { readonly requireGate?: boolean; readonly reason?: string } = {}): Promise<AliasHistoryRecord> {
    return this.setAlias(name, alias, version, { requireGate: options.requireGate ?? true, reason: options.reason });
  }

  /** Refused while an alias points at the version. */
  async deleteVersion(name: string, version: number): Promise<void> {
    await this.meta(true).tracking.deleteModelVersion(name, version);
  }

  /** Refused while the model has aliases. */
  async deleteModel(name: string): Promise<void> {
    await this.meta(true).tracking.deleteModel(name);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** Loads a model by reference (`models:/churn@production`, `models:/churn/3`) from a home (inside a step: the run's home). */
export async function loadModel(ref: string, options: { readonly home?: string } = {}): Promise<unknown> {
  const registry = new Registry({ home: options.home });
  try {
    return await registry.load(ref);
  } finally {
    await registry.close();
  }
}

/** Gates a candidate version (`models:/churn/4`) and stores the verdict with it. */
export async function gate(candidate: string, spec: GateSpec, options: RegistryOptions = {}): Promise<GateVerdict> {
  const registry = new Registry(options);
  try {
    return await registry.gate(candidate, spec);
  } finally {
    await registry.close();
  }
}

/** Moves an alias to a version; refuses a version whose gate did not pass unless `requireGate: false`. */
export async function promote(
  name: string,
  version: number,
  alias: string,
  options: RegistryOptions & { readonly requireGate?: boolean; readonly reason?: string } = {},
): Promise<AliasHistoryRecord> {
  const registry = new Registry(options);
  try {
    return await registry.promote(name, version, alias, options);
  } finally {
    await registry.close();
  }
}
