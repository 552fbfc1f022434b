/**
 * Artifact codec for {@link Matrix}: a small JSON header followed by the raw Float64 data, so a
 * feature matrix is stored without a per-value encoding step and loads as one typed array.
 */
import { CodecError, registerCodec } from '../../store/codecs.js';
import { Matrix } from './matrix.js';

function encode(m: Matrix): Uint8Array[] {
  const json = Buffer.from(JSON.stringify({ rows: m.rows, cols: m.cols, columns: m.columns ?? null }), 'utf8');
  // Pad the header so the data starts 8-byte aligned in the blob.
  const headerLength = Math.ceil((4 + json.length) / 8) * 8;
  const header = new Uint8Array(headerLength);
  new DataView(header.buffer).setUint32(0, json.length, true);
  header.set(json, 4);
  return [header, new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength)];
}

function decode(bytes: Uint8Array): Matrix {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, jsonLength).toString('utf8')) as {
    rows: number;
    cols: number;
    columns: string[] | null;
  };
  const start = Math.ceil((4 + jsonLength) / 8) * 8;
  const byteLength = header.rows * header.cols * 8;
  if (bytes.byteLength !== start + byteLength) {
    throw new CodecError(`ml.Matrix blob is ${bytes.byteLength} bytes, expected ${start + byteLength} for ${header.rows}×${header.cols}`);
  }
  const aligned = (bytes.byteOffset + start) % 8 === 0 ? bytes : bytes.slice();
  const data = new Float64Array(aligned.buffer as ArrayBuffer, aligned.byteOffset + start, header.rows * header.cols);
  return new Matrix(header.rows, header.cols, data, header.columns ?? undefined);
}

registerCodec<Matrix>({
  name: 'ml.Matrix',
  test: (value) => value instanceof Matrix,
  encode,
  decode,
  describe: (m) => `Matrix(${m.rows}×${m.cols})`,
});
