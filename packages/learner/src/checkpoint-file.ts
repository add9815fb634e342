import { readFile } from 'node:fs/promises';

export { writeFileAtomic } from '@onecycle/atomic-file';

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
