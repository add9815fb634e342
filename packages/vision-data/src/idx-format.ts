import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * An array read from an idx file (the format of the MNIST database).
 *
 * @example
 * ```ts
 * const { shape, data } = loadIdx('t10k-labels-idx1-ubyte.gz'); // [10000], Uint8Array
 * ```
 */
export interface IdxArray {
  /** Dimensions, outermost first. */
  readonly shape: number[];
  /** Element type from the file's type code. */
  readonly dtype: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
  /** Values in row-major order. */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES = {
  8: ['uint8', 1],
  9: ['int8', 1],
  11: ['int16', 2],
  12: ['int32', 4],
  13: ['float32', 4],
  14: ['float64', 8],
} as const;

/**
 * Parses idx bytes (gzip-compressed or not): magic `00 00 <type> <ndims>`, big-endian uint32
 * dimensions, big-endian values. Throws an Error naming `name` when the header or size is wrong.
 *
 * @example
 * ```ts
 * const arr = parseIdx(readFileSync('train-labels-idx1-ubyte'), 'train-labels-idx1-ubyte');
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'idx data'): IdxArray {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new Error(`${name}: corrupt gzip data: ${(err as Error).message}`, { cause: err });
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0)
    throw new Error(`${name}: not an idx file (bad magic number)`);
  const type = TYPES[buf[2] as keyof typeof TYPES];
  if (!type) throw new Error(`${name}: unknown idx element type 0x${buf[2]!.toString(16)}`);
  const ndims = buf[3]!;
  if (ndims < 1 || buf.length < 4 + 4 * ndims) throw new Error(`${name}: truncated idx header`);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const [dtype, width] = type;
  const start = 4 + 4 * ndims;
  if (buf.length !== start + count * width) {
    throw new Error(
      `${name}: idx shape [${shape.join(', ')}] needs ${count * width} data bytes, file has ${buf.length - start}`,
    );
  }
  let data: IdxArray['data'];
  switch (dtype) {
    case 'uint8':
      data = new Uint8Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + count));
      break;
    case 'int8':
      data = new Int8Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + count));
      break;
    default: {
      const view = new DataView(buf.buffer, buf.byteOffset + start, count * width);
      const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[
        dtype
      ];
      const out = new Ctor(count);
      for (let i = 0; i < count; i++) {
        const o = i * width;
        out[i] =
          dtype === 'int16'
            ? view.getInt16(o)
            : dtype === 'int32'
              ? view.getInt32(o)
              : dtype === 'float32'
                ? view.getFloat32(o)
                : view.getFloat64(o);
      }
      data = out;
    }
  }
  return { shape, dtype, data };
}

/**
 * Reads an idx file (`.gz` or not), e.g. MNIST's `train-images-idx3-ubyte.gz`.
 *
 * @example
 * ```ts
 * const images = loadIdx('data/mnist/train-images-idx3-ubyte.gz'); // shape [60000, 28, 28]
 * ```
 */
export function loadIdx(path: string): IdxArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new Error(`loadIdx: file not found: ${path}`);
  }
  return parseIdx(bytes, path);
}

/**
 * Finds an MNIST idx file in `dir` under its usual names (`train-images-idx3-ubyte`,
 * `train-images.idx3-ubyte`, with or without `.gz`).
 *
 * @example
 * ```ts
 * findIdxFile('data/mnist', 'train', 'images'); // '…/train-images-idx3-ubyte.gz'
 * ```
 */
export function findIdxFile(dir: string, split: 'train' | 't10k', kind: 'images' | 'labels'): string {
  const n = kind === 'images' ? 3 : 1;
  const names = [`${split}-${kind}-idx${n}-ubyte`, `${split}-${kind}.idx${n}-ubyte`];
  for (const base of names) {
    for (const ext of ['.gz', '']) {
      const p = join(dir, base + ext);
      if (existsSync(p)) return p;
    }
  }
  throw new Error(`fromMnistIdx: no ${names[0]}[.gz] in ${dir}`);
}
