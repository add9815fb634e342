import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { removeOrphanTempsSync, writeFileAtomicSync } from '@onecycle/atomic-file';
import { decodeImageSets, encodeImageSets, type ImageSetBundle } from './image-set-binary.js';

/**
 * Name of the folder, inside a data folder, that holds its decode caches.
 *
 * @example
 * ```ts
 * join(path, decodeCacheFolder); // '<path>/.onecycle-cache'
 * ```
 */
export const decodeCacheFolder = '.onecycle-cache';

/**
 * Path of the decode cache of `root` for a given set of decoding options: options that change the
 * decoded pixels (split names, size, resize method, …) give a different file.
 *
 * @example
 * ```ts
 * decodeCachePath('/data/mnist_sample', { kind: 'folder', train: 'train', valid: 'valid' });
 * ```
 */
export function decodeCachePath(root: string, options: Record<string, unknown>): string {
  const key = createHash('sha1').update(JSON.stringify(options)).digest('hex').slice(0, 16);
  return join(root, decodeCacheFolder, `${key}.bin`);
}

/**
 * A fingerprint of the listed files: names, sizes and modification times (plus any `extra`
 * string, e.g. a labels file's content). Adding, removing, renaming or rewriting an image changes it.
 *
 * @example
 * ```ts
 * const fp = listingFingerprint(root, ['train/3/7.png', 'train/7/0.png']);
 * ```
 */
export function listingFingerprint(root: string, files: readonly string[], extra = ''): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  const sizes = new Float64Array(files.length).fill(-1);
  const mtimes = new Float64Array(files.length).fill(-1);
  for (let i = 0; i < files.length; i++) {
    // Missing files fingerprint as such; decoding reports them.
    const st = statSync(prefix + files[i], { throwIfNoEntry: false });
    if (st) {
      sizes[i] = st.size;
      mtimes[i] = st.mtimeMs;
    }
  }
  return fingerprintOf(files, sizes, mtimes, extra);
}

/**
 * The fingerprint of a listing from already known sizes and modification times (−1: unreadable);
 * equal to {@link listingFingerprint} for the same files.
 *
 * @example
 * ```ts
 * const fp = fingerprintOf(['a.png'], Float64Array.of(120), Float64Array.of(1.7e12));
 * ```
 */
export function fingerprintOf(
  files: readonly string[],
  sizes: Float64Array,
  mtimes: Float64Array,
  extra = '',
): string {
  const lines: string[] = [extra, '\0'];
  for (let i = 0; i < files.length; i++) lines.push(`${files[i]}\t${sizes[i]}\t${mtimes[i]}\n`);
  return createHash('sha1').update(lines.join('')).digest('hex');
}

const TRAILER_MAGIC = 'OCCHECK1';
const TRAILER_BYTES = 48; // magic, body length (uint64 LE), SHA-256 of the body

function trailerOf(body: Uint8Array): Buffer {
  const t = Buffer.alloc(TRAILER_BYTES);
  t.write(TRAILER_MAGIC, 0, 'latin1');
  t.writeBigUInt64LE(BigInt(body.length), 8);
  createHash('sha256').update(body).digest().copy(t, 16);
  return t;
}

/**
 * Checks a decode cache file's trailer — its recorded size and the SHA-256 of everything before
 * it — and returns the body, or the reason it cannot be trusted.
 */
function verifiedBody(bytes: Uint8Array): Uint8Array | string {
  if (bytes.length < TRAILER_BYTES) return `${bytes.length} bytes, too short to hold its checksum`;
  const t = Buffer.from(bytes.buffer, bytes.byteOffset + bytes.length - TRAILER_BYTES, TRAILER_BYTES);
  if (t.toString('latin1', 0, 8) !== TRAILER_MAGIC)
    return 'no checksum trailer (truncated or not a decode cache)';
  const recorded = t.readBigUInt64LE(8);
  const body = bytes.subarray(0, bytes.length - TRAILER_BYTES);
  if (recorded !== BigInt(body.length)) {
    return `size mismatch: ${bytes.length} bytes, the trailer records ${Number(recorded) + TRAILER_BYTES}`;
  }
  if (!createHash('sha256').update(body).digest().equals(t.subarray(16))) return 'checksum mismatch';
  return body;
}

/**
 * Reads a decode cache when it exists, is intact and its recorded fingerprint equals `fingerprint`;
 * null otherwise. The file's size and SHA-256 (recorded in a trailer by {@link writeDecodeCache})
 * are verified first: a damaged file (truncated, a changed byte, not a cache) is reported to
 * `onDamaged` with the reason and ignored, so the caller decodes again and rewrites it. A missing
 * or stale cache is not reported.
 *
 * @example
 * ```ts
 * const cached = readDecodeCache(file, fp, (reason) => console.warn(`${file}: ${reason}`));
 * ```
 */
export function readDecodeCache(
  file: string,
  fingerprint: string,
  onDamaged?: (reason: string) => void,
): ImageSetBundle | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  const body = verifiedBody(bytes);
  if (typeof body === 'string') {
    onDamaged?.(body);
    return null;
  }
  let bundle: ImageSetBundle;
  try {
    bundle = decodeImageSets(body);
  } catch (err) {
    onDamaged?.((err as Error).message);
    return null;
  }
  return bundle.meta.fingerprint === fingerprint ? bundle : null;
}

/**
 * Writes a decode cache atomically (`writeFileAtomicSync` of `@onecycle/atomic-file`), recording `fingerprint` in its
 * metadata (file names are not stored: the listing that produced the fingerprint has them) and a
 * trailer with the file's size and SHA-256, which {@link readDecodeCache} verifies.
 * Returns false (and leaves nothing behind) when the folder is not writable.
 *
 * @example
 * ```ts
 * writeDecodeCache(file, { classes, sets: { train, valid }, meta: {} }, fp);
 * ```
 */
export function writeDecodeCache(file: string, bundle: ImageSetBundle, fingerprint: string): boolean {
  try {
    removeOrphanTempsSync(dirname(file));
    const body = encodeImageSets({ ...bundle, meta: { ...bundle.meta, fingerprint } }, { files: true });
    writeFileAtomicSync(file, [body, trailerOf(body)]);
    return true;
  } catch {
    return false;
  }
}
