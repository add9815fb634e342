import type { ImageSet } from './image-set.js';

const MAGIC = 'OCIMGSET';
const VERSION = 1;

/**
 * What an image-set binary holds: class names, named sets (e.g. `train`, `valid`) and free metadata.
 *
 * @example
 * ```ts
 * const bundle: ImageSetBundle = { classes: ['3', '7'], sets: { train, valid }, meta: { source: 'mnist_sample' } };
 * ```
 */
export interface ImageSetBundle {
  readonly classes: string[];
  readonly sets: Record<string, ImageSet>;
  readonly meta: Record<string, unknown>;
}

/**
 * The description of one image set inside the compact binary (see {@link ImageSetHeader}).
 *
 * @example
 * ```ts
 * const { sets } = readImageSetHeader(bytes);
 * sets.map((s: ImageSetEntryHeader) => `${s.name}: ${s.n} images of ${s.height}×${s.width}`);
 * ```
 */
export interface ImageSetEntryHeader {
  name: string;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  dtype: 'uint8' | 'float32';
  labelsOffset: number;
  pixelsOffset: number;
  files?: readonly string[];
}

/**
 * The JSON header of the compact binary written by {@link encodeImageSets}: class names, free
 * metadata, and where each set's labels and pixels start.
 *
 * @example
 * ```ts
 * const header: ImageSetHeader = readImageSetHeader(bytes);
 * header.classes; // ['3', '7']
 * ```
 */
export interface ImageSetHeader {
  classes: string[];
  meta: Record<string, unknown>;
  sets: ImageSetEntryHeader[];
}

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Serialises image sets into one compact binary: an 8-byte magic `OCIMGSET`, a version and a JSON
 * header (classes, metadata, per set its dimensions and offsets), then per set its labels (int32
 * little-endian) and pixels (uint8 or float32 little-endian), 8-byte aligned. Files names are kept
 * only with `{ files: true }`. Used by the decode cache and by the browser's `fromUrl`.
 *
 * @example
 * ```ts
 * const bytes = encodeImageSets({ classes: data.classes, sets: { train, valid }, meta: {} });
 * writeFileSync('mnist_sample.ocimg', bytes);
 * ```
 */
export function encodeImageSets(
  bundle: ImageSetBundle,
  { files = false }: { files?: boolean } = {},
): Uint8Array {
  const names = Object.keys(bundle.sets);
  const sets: ImageSetEntryHeader[] = [];
  let offset = 0;
  for (const name of names) {
    const s = bundle.sets[name]!;
    const dtype = s.pixels instanceof Float32Array ? 'float32' : 'uint8';
    const labelsOffset = offset;
    offset = pad8(offset + s.n * 4);
    const pixelsOffset = offset;
    offset = pad8(offset + s.pixels.byteLength);
    sets.push({
      name,
      n: s.n,
      height: s.height,
      width: s.width,
      channels: s.channels,
      dtype,
      labelsOffset,
      pixelsOffset,
      ...(files && s.files ? { files: s.files } : {}),
    });
  }
  const header: ImageSetHeader = { classes: bundle.classes, meta: bundle.meta, sets };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = pad8(json.length);
  const dataStart = 16 + headerBytes;
  const out = new Uint8Array(dataStart + offset);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, headerBytes, true);
  out.set(json, 16);
  out.fill(0x20, 16 + json.length, dataStart);
  for (const h of sets) {
    const s = bundle.sets[h.name]!;
    for (let i = 0; i < s.n; i++) view.setInt32(dataStart + h.labelsOffset + i * 4, s.labels[i]!, true);
    out.set(
      new Uint8Array(s.pixels.buffer, s.pixels.byteOffset, s.pixels.byteLength),
      dataStart + h.pixelsOffset,
    );
  }
  return out;
}

/**
 * Reads the header of an image-set binary without touching the pixels.
 *
 * @example
 * ```ts
 * const { meta } = readImageSetHeader(bytes);
 * ```
 */
export function readImageSetHeader(bytes: Uint8Array): ImageSetHeader & { dataStart: number } {
  if (bytes.length < 16) throw new Error(`image-set binary: ${bytes.length} bytes is too short for a header`);
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i))
      throw new Error(`image-set binary: bad magic (expected '${MAGIC}')`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION)
    throw new Error(`image-set binary: unsupported version ${version} (expected ${VERSION})`);
  const headerBytes = view.getUint32(12, true);
  if (16 + headerBytes > bytes.length) throw new Error('image-set binary: truncated header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerBytes))) as ImageSetHeader;
  return { ...header, dataStart: 16 + headerBytes };
}

/**
 * Reads an image-set binary written by {@link encodeImageSets}. Uint8 pixels are views into
 * `bytes` (no copy). Throws when the data is truncated or not such a binary.
 *
 * @example
 * ```ts
 * const { classes, sets } = decodeImageSets(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * ```
 */
export function decodeImageSets(bytes: Uint8Array): ImageSetBundle {
  const header = readImageSetHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sets: Record<string, ImageSet> = {};
  for (const h of header.sets) {
    const size = h.n * h.height * h.width * h.channels;
    const pixelBytes = size * (h.dtype === 'float32' ? 4 : 1);
    const lo = header.dataStart + h.labelsOffset;
    const po = header.dataStart + h.pixelsOffset;
    if (lo + h.n * 4 > bytes.length || po + pixelBytes > bytes.length) {
      throw new Error(`image-set binary: set '${h.name}' is truncated (${bytes.length} bytes)`);
    }
    const labels = new Int32Array(h.n);
    for (let i = 0; i < h.n; i++) labels[i] = view.getInt32(lo + i * 4, true);
    let pixels: Uint8Array | Float32Array;
    if (h.dtype === 'float32') {
      pixels = new Float32Array(size);
      for (let i = 0; i < size; i++) pixels[i] = view.getFloat32(po + i * 4, true);
    } else {
      pixels = bytes.subarray(po, po + size);
    }
    sets[h.name] = {
      n: h.n,
      height: h.height,
      width: h.width,
      channels: h.channels,
      pixels,
      labels,
      ...(h.files ? { files: h.files } : {}),
    };
  }
  return { classes: header.classes, sets, meta: header.meta };
}
