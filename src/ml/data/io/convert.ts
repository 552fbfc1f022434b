/**
 * Turns the values a columnar reader (Parquet, Arrow) hands back into a Table column:
 * numbers / bigints / booleans → float64 (null → NaN), strings → strings, dates → ISO strings.
 */
import { DataError } from '../../core/errors.js';
import { describeCell, type Column, type StringColumn } from '../column.js';

/**
 * @param preferInt32 keep a 32-bit integer column as int32 when it has no missing values.
 * @param where e.g. `readParquet 'x.parquet'`, for error messages.
 */
export function columnFromValues(name: string, values: ArrayLike<unknown>, preferInt32: boolean, where: string): Column {
  if (values instanceof Float64Array) return values;
  if (values instanceof Int32Array) return preferInt32 ? values : Float64Array.from(values);
  if (values instanceof Float32Array || values instanceof Uint32Array || values instanceof Int16Array ||
      values instanceof Uint16Array || values instanceof Int8Array || values instanceof Uint8Array) {
    return preferInt32 && !(values instanceof Float32Array) && !(values instanceof Uint32Array)
      ? Int32Array.from(values)
      : Float64Array.from(values);
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Float64Array.from(values, Number);

  const n = values.length;
  let kind: 'number' | 'string' | undefined;
  let hasNull = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      hasNull = true;
      continue;
    }
    const k = typeof v === 'string' || v instanceof Date ? 'string' : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? 'number' : undefined;
    if (k === undefined) {
      throw new DataError(`${where}: column '${name}', row ${i} is ${describeCell(v)}; only numbers, strings, booleans and dates fit a table column`);
    }
    if (kind !== undefined && kind !== k) {
      throw new DataError(`${where}: column '${name}' mixes numbers and strings (row ${i} is ${describeCell(v)})`);
    }
    kind = k;
  }
  if (kind === 'string') {
    const out: StringColumn = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : (v as string);
    }
    return out;
  }
  const out = preferInt32 && !hasNull ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? NaN : Number(v);
  }
  return out;
}
