/**
 * `ctx.registerModel(name, model, options)` inside a step: stores the model (and an example input)
 * in the blob store through the codecs, then sends the registration to the coordinator, which
 * assigns the version, evaluates the gate and moves the alias in one transaction.
 *
 * The call returns at once. Awaiting its result waits (briefly) until the coordinator has
 * committed it and gives the version back; not awaiting it costs nothing.
 */
import { randomUUID } from 'node:crypto';
import { CodecError } from '../store/codecs.js';
import { RegistryRefusedError } from '../store/tracking/errors.js';
import { checkGateSpec } from '../store/tracking/gate.js';
import type { AliasHistoryRecord, GateSpec, ModelSignature, ModelVersionRecord, StoredPointer, TrackingStore } from '../store/tracking/types.js';
import { checkKey, checkMetricValue, checkRegistryName, checkTagValue } from '../store/tracking/values.js';
import type { ArtifactStore } from '../store/types.js';
import { storeValue } from '../store/values.js';
import { RECORD_KINDS, type AliasRecordData, type ModelRecordData } from './records.js';
import { waitFor } from './reader.js';
import { checkSignature, inferSignature } from './signature.js';

export interface RegisterModelOptions {
  /** Metrics recorded with the version (what gates compare). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Input columns and types; inferred from `inputExample` when omitted. */
  readonly signature?: ModelSignature;
  /** A small example input, stored with the version (tables, matrices, row objects...). */
  readonly inputExample?: unknown;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Upstream artifacts to record as the version's input data (default: every artifact visible to the step). */
  readonly inputs?: readonly string[];
  /** A quality gate evaluated against its baseline alias when the version is created. */
  readonly gate?: GateSpec;
  /** Move an alias to the new version (refused and audited when `requireGate` and the gate failed). */
  readonly promote?: string | { readonly alias: string; readonly requireGate?: boolean; readonly reason?: string };
  /** Codec to store the model with (default: chosen by value, e.g. the model class's registered codec). */
  readonly codec?: string;
}

/** A committed registration: the version, and what happened to a requested promotion. */
export interface RegisteredVersion extends ModelVersionRecord {
  readonly promotion: AliasHistoryRecord | null;
}

/** A result that is fetched only if awaited. */
export class Pending<T> implements PromiseLike<T> {
  private promise: Promise<T> | undefined;
  constructor(
    /** Identifies the request in the store (registration or alias-change token). */
    readonly token: string,
    private readonly fetch: () => Promise<T>,
  ) {}

  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.promise ??= this.fetch();
    return this.promise.then(onFulfilled, onRejected);
  }
}

export interface RegisterModelFn {
  (name: string, model: unknown, options?: RegisterModelOptions): Pending<RegisteredVersion>;
  /** Moves an alias to a version; awaiting it rejects with RegistryRefusedError when a required gate refused it. */
  promote(name: string, version: number, alias: string, options?: { readonly requireGate?: boolean; readonly reason?: string }): Pending<AliasHistoryRecord>;
}

/** What registerModel needs from the task it runs in. */
export interface RegisterContext {
  readonly pathspec: string;
  readonly user: string;
  readonly blobs: ArtifactStore;
  /** Upstream artifact name → digest (joins: `step[index].name`). */
  readonly visibleInputs: Readonly<Record<string, string>>;
  readonly emit: (kind: string, data: unknown) => void;
  /** The store to read committed results from (absent: awaiting fails with a clear message). */
  readonly reader: () => Promise<TrackingStore | undefined>;
}

function store(blobs: ArtifactStore, value: unknown, what: string, codec?: string): StoredPointer {
  try {
    const stored = storeValue(blobs, value, { codec });
    return { digest: stored.digest, codec: stored.codec, bytes: stored.bytes, type: stored.type };
  } catch (error) {
    if (error instanceof CodecError) throw new CodecError(`${what} cannot be stored: ${error.message}`);
    throw error;
  }
}

function normalizePromote(promote: RegisterModelOptions['promote'], pathspec: string): ModelRecordData['promote'] {
  if (promote === undefined) return undefined;
  const spec = typeof promote === 'string' ? { alias: promote } : promote;
  checkRegistryName('alias', spec.alias);
  return { ...spec, reason: spec.reason ?? `registered by ${pathspec}` };
}

function checkMetrics(metrics: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(metrics)) {
    checkKey('metric', key);
    checkMetricValue(key, value);
  }
}

export function createRegisterModel(context: RegisterContext): RegisterModelFn {
  const reader = async (what: string): Promise<TrackingStore> => {
    const tracking = await context.reader();
    if (!tracking) throw new Error(`cannot wait for ${what}: this task cannot read the metadata store`);
    return tracking;
  };

  const register = (name: string, model: unknown, options: RegisterModelOptions = {}): Pending<RegisteredVersion> => {
    checkRegistryName('model', name);
    if (model === undefined || model === null) throw new TypeError(`registerModel('${name}', model): the model is ${String(model)}; pass the fitted model`);
    const metrics = options.metrics ?? {};
    checkMetrics(metrics);
    for (const [key, value] of Object.entries(options.tags ?? {})) {
      checkKey('tag', key);
      checkTagValue(key, value);
    }
    if (options.gate) checkGateSpec(options.gate);
    if (options.signature !== undefined) checkSignature(options.signature, name);
    const promote = normalizePromote(options.promote, context.pathspec);
    let inputs = context.visibleInputs;
    if (options.inputs) {
      const missing = options.inputs.filter((n) => !(n in context.visibleInputs));
      if (missing.length > 0) {
        throw new TypeError(`registerModel('${name}'): inputs ${missing.map((m) => `'${m}'`).join(', ')} are not visible here (visible: ${Object.keys(context.visibleInputs).join(', ') || 'none'})`);
      }
      inputs = Object.fromEntries(options.inputs.map((n) => [n, context.visibleInputs[n]!]));
    }
    const artifact = store(context.blobs, model, `model '${name}'`, options.codec);
    const example = options.inputExample === undefined ? null : store(context.blobs, options.inputExample, `input example of model '${name}'`);
    const signature = options.signature ?? (options.inputExample === undefined ? null : inferSignature(options.inputExample));
    const token = randomUUID();
    const data: ModelRecordData = {
      name,
      token,
      createdBy: context.user,
      source: `sluice:${context.pathspec}#${name}`,
      pathspec: context.pathspec,
      artifact,
      inputs,
      metrics,
      signature,
      example,
      description: options.description,
      tags: options.tags,
      gate: options.gate,
      promote,
    };
    context.emit(RECORD_KINDS.model, data);
    return new Pending(token, async () => {
      const tracking = await reader(`model '${name}'`);
      const version = await waitFor(() => tracking.findVersionByToken(token), `registration of model '${name}'`);
      const promotion = promote ? ((await tracking.findAliasChangeByToken(token)) ?? null) : null;
      return { ...version, promotion };
    });
  };

  const promote: RegisterModelFn['promote'] = (name, version, alias, options = {}) => {
    checkRegistryName('model', name);
    checkRegistryName('alias', alias);
    if (!Number.isSafeInteger(version) || version < 1) throw new TypeError(`promote('${name}', ${String(version)}, '${alias}'): version must be a positive integer`);
    const token = randomUUID();
    const data: AliasRecordData = { name, alias, version, requireGate: options.requireGate, actor: context.user, reason: options.reason ?? `promoted by ${context.pathspec}`, token };
    context.emit(RECORD_KINDS.alias, data);
    return new Pending(token, async () => {
      const tracking = await reader(`alias '${alias}' of model '${name}'`);
      const change = await waitFor(() => tracking.findAliasChangeByToken(token), `moving alias '${alias}' of model '${name}'`);
      if (change.action === 'refused') throw new RegistryRefusedError(`alias '${alias}' of model '${name}' was not moved to version ${version}: ${change.reason}`);
      return change;
    });
  };

  return Object.assign(register, { promote });
}
