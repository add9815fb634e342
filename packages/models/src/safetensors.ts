/**
 * Element types of the safetensors format supported here. Floats are read into float32
 * (F64, F16 and BF16 are converted); integers into int32 or, for I64/U64 within ±2^53, numbers.
 *
 * @example
 * ```ts
 * const t: SafetensorsTensor = { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) };
 * ```
 */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/**
 * One tensor of a safetensors file: dtype, shape (row-major) and values. `data` is a
 * `Float32Array` for float dtypes (converted on read), an `Int32Array` for I32/I16/I8/U8/BOOL,
 * and a `Float64Array` of exact integers for I64.
 *
 * @example
 * ```ts
 * const bias: SafetensorsTensor = { dtype: 'F32', shape: [16], data: new Float32Array(16) };
 * ```
 */
export interface SafetensorsTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Float64Array;
}

/**
 * A decoded safetensors file: tensors in header order and the `__metadata__` strings.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * ```
 */
export interface SafetensorsFile {
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

const MAX_HEADER = 100_000_000;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Encodes tensors as a safetensors file: an 8-byte little-endian header length, a JSON header
 * (`dtype`, `shape`, `data_offsets` per tensor, optional `__metadata__`) padded with spaces to a
 * multiple of 8 bytes, then the little-endian data. Writes F32 (from `Float32Array`) and I64
 * (from a `Float64Array` of integers); tensors are laid out 8-byte types first so every
 * tensor is aligned.
 *
 * @example
 * ```ts
 * import { encodeSafetensors } from '@onecycle/models';
 * const bytes = encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }]]));
 * ```
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const order = [...tensors.entries()].sort(([, a], [, b]) => BYTES[b.dtype] - BYTES[a.dtype]);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`encodeSafetensors: metadata '${k}' must be a string`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of order) {
    if (name === '__metadata__')
      throw new RangeError("encodeSafetensors: '__metadata__' is not a tensor name");
    if (t.dtype !== 'F32' && t.dtype !== 'I64') {
      throw new RangeError(
        `encodeSafetensors: tensor '${name}': dtype must be 'F32' or 'I64', got '${t.dtype}'`,
      );
    }
    const n = product(t.shape);
    if (t.data.length !== n) {
      throw new RangeError(
        `encodeSafetensors: tensor '${name}' has shape [${t.shape.join(', ')}] (${n} values) but ${t.data.length} values`,
      );
    }
    const bytes = n * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const [, t] of order) {
    if (t.dtype === 'F32') {
      for (const v of t.data) {
        view.setFloat32(pos, v, true);
        pos += 4;
      }
    } else {
      for (const v of t.data) {
        view.setBigInt64(pos, BigInt(Math.trunc(v)), true);
        pos += 8;
      }
    }
  }
  return out;
}

/**
 * Decodes a safetensors file, checking the header (length, JSON, dtypes, shapes, that the data
 * offsets fit the shapes, lie inside the file and cover the data without holes or overlaps).
 * Errors name `source` and the offending tensor.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from '@onecycle/models';
 * const { tensors } = decodeSafetensors(bytes);
 * tensors.get('0.0.weight')?.shape; // [16, 3, 3, 3]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new Error(`${source}: not a valid safetensors file: ${msg}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes, need at least 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER || 8 + headerLen > bytes.length) {
    fail(`header length ${headerLen} does not fit in ${bytes.length} bytes`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info))
        fail('__metadata__ is not an object');
      metadata = Object.fromEntries(Object.entries(info as object).map(([k, v]) => [k, String(v)]));
      continue;
    }
    const { dtype, shape, data_offsets: offs } = (info ?? {}) as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in BYTES))
      fail(`tensor '${name}' has unsupported dtype ${String(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    const dt = dtype as SafetensorsDtype;
    const [begin, end] = offs as [number, number];
    const n = product(shape as number[]);
    if (end - begin !== n * BYTES[dt]) {
      fail(
        `tensor '${name}' (${dt} [${(shape as number[]).join(', ')}]) needs ${n * BYTES[dt]} bytes, offsets give ${end - begin}`,
      );
    }
    if (end > dataLen) fail(`tensor '${name}' ends at byte ${end} of a ${dataLen}-byte data section`);
    ranges.push([begin, end, name]);
    const p = dataStart + begin;
    let data: Float32Array | Int32Array | Float64Array;
    switch (dt) {
      case 'F32':
        data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getFloat32(p + 4 * i, true);
        break;
      case 'F64':
        data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getFloat64(p + 8 * i, true);
        break;
      case 'F16':
        data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = f16ToF32(view.getUint16(p + 2 * i, true));
        break;
      case 'BF16': {
        data = new Float32Array(n);
        const u = new Uint32Array(data.buffer);
        for (let i = 0; i < n; i++) u[i] = view.getUint16(p + 2 * i, true) << 16;
        break;
      }
      case 'I64':
        data = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const v = view.getBigInt64(p + 8 * i, true);
          if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
            fail(`tensor '${name}' holds an I64 value beyond ±2^53`);
          }
          data[i] = Number(v);
        }
        break;
      case 'I32':
        data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getInt32(p + 4 * i, true);
        break;
      case 'I16':
        data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getInt16(p + 2 * i, true);
        break;
      case 'I8':
        data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getInt8(p + i);
        break;
      default:
        data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getUint8(p + i);
    }
    tensors.set(name, { dtype: dt, shape: shape as number[], data });
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== covered)
      fail(`tensor '${name}' starts at byte ${begin}, expected ${covered} (holes or overlaps)`);
    covered = end;
  }
  if (covered !== dataLen) fail(`data section has ${dataLen} bytes but tensors cover ${covered}`);
  return { tensors, metadata };
}
