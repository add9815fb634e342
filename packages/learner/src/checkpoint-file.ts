import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `bytes` to `path` atomically: into a temporary file next to it, flushed to disk, then
 * renamed over `path` — a reader sees the old file or the new one, never a partial one.
 * Creates missing parent folders.
 *
 * @example
 * ```ts
 * await writeFileAtomic('models/stage-1.safetensors', bytes);
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new TypeError('save: path must be a non-empty string');
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads a whole file as bytes; the error names the path.
 *
 * @example
 * ```ts
 * const bytes = await readFileBytes('models/stage-1.safetensors');
 * ```
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path === '') throw new TypeError('load: path must be a non-empty string');
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new Error(`load: cannot read ${path}: ${(e as Error).message}`);
  }
}
