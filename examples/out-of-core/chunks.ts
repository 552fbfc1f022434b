/**
 * Chunk files and scaler statistics: what the out-of-core flow keeps on disk and merges in joins.
 */
import { readArrow, StandardScaler, Table, writeArrow, type Matrix, type StandardScalerState } from 'sluice/ml';

/** One chunk of the dataset as the flow plans it. */
export interface ChunkSpec {
  readonly index: number;
  /** 'train' chunks fit the scaler and the model; 'eval' chunks are held out for the learning curve. */
  readonly role: 'train' | 'eval';
  readonly rows: number;
  readonly seed: number;
  /** Arrow IPC file the chunk is written to. */
  readonly path: string;
}

export function featureNames(nFeatures: number): string[] {
  return Array.from({ length: nFeatures }, (_, i) => `f${String(i).padStart(2, '0')}`);
}

/** Writes a chunk (features plus a `y` column) as an Arrow IPC file. */
export async function writeChunk(path: string, x: Matrix, y: Int32Array): Promise<void> {
  await writeArrow(Table.fromMatrix(x, featureNames(x.cols)).withColumn('y', y), path);
}

/** Reads a chunk written by {@link writeChunk}. */
export async function readChunk(path: string, nFeatures: number): Promise<{ x: Matrix; y: Int32Array }> {
  const table = await readArrow(path);
  const y = table.column('y');
  if (!(y instanceof Int32Array)) throw new Error(`chunk ${path}: column 'y' should hold Int32 class labels`);
  return { x: table.toMatrix(featureNames(nFeatures)), y };
}

/**
 * One scaler from scalers fitted on disjoint chunks: counts, means and variances combined with
 * Chan et al.'s parallel formula, exactly as if one scaler had seen every chunk.
 */
export function mergeScalers(parts: readonly StandardScaler[]): StandardScaler {
  const states = parts.map((p) => p.toState());
  const first = states[0];
  if (!first) throw new Error('mergeScalers: no scalers to merge');
  const d = first.mean.length;
  const n = Float64Array.from(first.nSamplesSeen);
  const mean = Float64Array.from(first.mean);
  const variance = Float64Array.from(first.variance);
  for (const s of states.slice(1)) {
    if (s.mean.length !== d) throw new Error(`mergeScalers: a scaler has ${s.mean.length} features, the first has ${d}`);
    for (let c = 0; c < d; c++) {
      const na = n[c]!;
      const nb = s.nSamplesSeen[c]!;
      const total = na + nb;
      if (total === 0) continue;
      const delta = s.mean[c]! - mean[c]!;
      // Population variances: M2 = var · n, merged, divided by the new count.
      variance[c] = (variance[c]! * na + s.variance[c]! * nb + (delta * delta * na * nb) / total) / total;
      mean[c] = mean[c]! + (delta * nb) / total;
      n[c] = total;
    }
  }
  const state: StandardScalerState = { ...first, nSamplesSeen: n, mean, variance };
  return StandardScaler.fromState(state);
}
