/**
 * The `ml.Table` artifact codec: a compact binary layout instead of JSON rows.
 *
 * Layout: "SLTB" magic, a uint32 (little-endian) header length, the UTF-8 JSON header, then each
 * buffer at an 8-byte-aligned offset. Numeric columns are their raw little-endian bytes (written
 * without copying). A string column is three buffers: UTF-8 bytes, uint32 end offsets (one per
 * row), and one byte per row marking null. Decoding makes typed-array views onto the blob when
 * aligned, so a large numeric table loads without copying.
 */
import { CodecError, registerCodec } from '../../store/codecs.js';
import type { Column, ColumnType, StringColumn } from './column.js';
import { Table } from './table.js';

const MAGIC = 'SLTB';
const VERSION = 1;
const ALIGN = 8;

interface BufferRef {
  readonly offset: number;
  readonly length: number;
}
interface ColumnHeader {
  readonly name: string;
  readonly type: ColumnType;
  /** float64/int32: [values]; string: [utf8, ends, nulls]. */
  readonly buffers: readonly BufferRef[];
}
interface Header {
  readonly version: number;
  readonly rows: number;
  readonly columns: readonly ColumnHeader[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function encodeStrings(column: StringColumn): Uint8Array[] {
  const n = column.length;
  const ends = new Uint32Array(n);
  const nulls = new Uint8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = column[i]!;
    if (v === null) nulls[i] = 1;
    else total += Buffer.byteLength(v, 'utf8');
    if (total > 0xffffffff) throw new CodecError('a string column holds more than 4 GiB of text; split the table');
    ends[i] = total;
  }
  const data = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = column[i]!;
    if (v !== null) pos += data.write(v, pos, 'utf8');
  }
  return [data, bytesOf(ends), nulls];
}

/** Encodes a Table as chunks (header first); numeric column buffers are not copied. */
export function encodeTable(table: Table): Uint8Array[] {
  if (!LITTLE_ENDIAN) throw new CodecError('ml.Table codec: big-endian hosts are not supported');
  const buffers: Uint8Array[] = [];
  const columns: ColumnHeader[] = [];
  let offset = 0;
  const add = (bytes: Uint8Array): BufferRef => {
    const ref = { offset, length: bytes.byteLength };
    buffers.push(bytes);
    offset += bytes.byteLength;
    const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
    if (pad > 0) {
      buffers.push(new Uint8Array(pad));
      offset += pad;
    }
    return ref;
  };
  for (const { name, type } of table.schema()) {
    const col = table.column(name);
    const parts = Array.isArray(col) ? encodeStrings(col) : [bytesOf(col as Float64Array | Int32Array)];
    columns.push({ name, type, buffers: parts.map(add) });
  }
  const header: Header = { version: VERSION, rows: table.numRows, columns };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefixLength = 8 + json.byteLength;
  const prefix = Buffer.alloc(prefixLength + ((ALIGN - (prefixLength % ALIGN)) % ALIGN));
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.byteLength, 4);
  json.copy(prefix, 8);
  return [prefix, ...buffers];
}

/** Decodes bytes written by {@link encodeTable}. */
export function decodeTable(bytes: Uint8Array): Table {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.byteLength < 8 || buf.toString('latin1', 0, 4) !== MAGIC) {
    throw new CodecError('ml.Table: the blob does not start with the SLTB magic; it was not written by the ml.Table codec');
  }
  const headerLength = buf.readUInt32LE(4);
  if (8 + headerLength > buf.byteLength) throw new CodecError('ml.Table: the blob is truncated (header runs past the end)');
  const header = JSON.parse(buf.toString('utf8', 8, 8 + headerLength)) as Header;
  if (header.version !== VERSION) {
    throw new CodecError(`ml.Table: blob format version ${header.version} is not supported (this build reads version ${VERSION})`);
  }
  const dataStart = 8 + headerLength + ((ALIGN - ((8 + headerLength) % ALIGN)) % ALIGN);
  const slice = (ref: BufferRef, what: string): Uint8Array => {
    const start = dataStart + ref.offset;
    if (start + ref.length > bytes.byteLength) throw new CodecError(`ml.Table: the blob is truncated (column '${what}' runs past the end)`);
    return bytes.subarray(start, start + ref.length);
  };
  const entries: [string, Column][] = header.columns.map((c) => {
    const [first, second, third] = c.buffers;
    if (first === undefined) throw new CodecError(`ml.Table: column '${c.name}' has no buffers`);
    if (c.type === 'float64') return [c.name, view(slice(first, c.name), Float64Array)];
    if (c.type === 'int32') return [c.name, view(slice(first, c.name), Int32Array)];
    if (second === undefined || third === undefined) throw new CodecError(`ml.Table: string column '${c.name}' is missing buffers`);
    return [c.name, decodeStrings(slice(first, c.name), view(slice(second, c.name), Uint32Array), slice(third, c.name))];
  });
  // A table without columns has no rows to keep.
  if (entries.length === 0) return Table.empty([]);
  return Table.fromEntries(entries);
}

type NumericCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/** A typed-array view when aligned, a copy otherwise. */
function view<T>(bytes: Uint8Array, Ctor: NumericCtor<T>): T {
  const width = Ctor.BYTES_PER_ELEMENT;
  // new Uint8Array(bytes) copies; Buffer#slice would not.
  const aligned = bytes.byteOffset % width === 0 ? bytes : new Uint8Array(bytes);
  return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / width);
}

function decodeStrings(data: Uint8Array, ends: Uint32Array, nulls: Uint8Array): StringColumn {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: StringColumn = new Array<string | null>(ends.length);
  // Pure ASCII: byte offsets are character offsets, so decode once and slice (much faster).
  const whole = isAscii(data) ? text.toString('latin1') : undefined;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    out[i] = nulls[i] ? null : whole !== undefined ? whole.slice(start, end) : text.toString('utf8', start, end);
    start = end;
  }
  return out;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}

registerCodec<Table>({
  name: 'ml.Table',
  test: (value) => value instanceof Table,
  encode: encodeTable,
  decode: decodeTable,
  describe: (table) => `Table(${table.numRows}×${table.numColumns})`,
});
