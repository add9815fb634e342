import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
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

/**
 * Reads a decode cache when it exists and its recorded fingerprint equals `fingerprint`; null
 * otherwise (missing, stale, or unreadable — a broken cache is ignored and rewritten).
 *
 * @example
 * ```ts
 * const cached = readDecodeCache(file, fp);
 * ```
 */
export function readDecodeCache(file: string, fingerprint: string): ImageSetBundle | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  try {
    const bundle = decodeImageSets(bytes);
    return bundle.meta.fingerprint === fingerprint ? bundle : null;
  } catch {
    return null;
  }
}

/**
 * Writes a decode cache atomically (temporary file, then rename), recording `fingerprint` in its
 * metadata (file names are not stored: the listing that produced the fingerprint has them).
 * Returns false (and leaves nothing behind) when the folder is not writable.
 *
 * @example
 * ```ts
 * writeDecodeCache(file, { classes, sets: { train, valid }, meta: {} }, fp);
 * ```
 */
export function writeDecodeCache(file: string, bundle: ImageSetBundle, fingerprint: string): boolean {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      tmp,
      encodeImageSets({ ...bundle, meta: { ...bundle.meta, fingerprint } }, { files: true }),
    );
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}
