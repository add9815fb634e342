import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The checksum an archive must have: a SHA-256 of the whole file, or fastai's published check
 * (file size plus the MD5 of the file's first MiB, as in fastai's `checks.txt`).
 *
 * @example
 * ```ts
 * const a: Checksum = { sha256: '049e6116…' };
 * const b: Checksum = { size: 342207, md5FirstMiB: '56143e8f24db90d925d82a5a74141875' };
 * ```
 */
export type Checksum = { readonly sha256: string } | { readonly size: number; readonly md5FirstMiB: string };

const MIB = 1 << 20;

/**
 * Incremental checksum of a byte stream: feed chunks with `update`, then `matches(expected)`.
 *
 * @example
 * ```ts
 * const h = new ChecksumHasher();
 * h.update(chunk);
 * h.matches({ sha256 }); // true/false
 * ```
 */
export class ChecksumHasher {
  private readonly sha = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  private headBytes = 0;
  /** Bytes seen so far. */
  size = 0;
  private digests: { sha256: string; md5FirstMiB: string } | null = null;

  /** Adds a chunk. */
  update(chunk: Uint8Array): void {
    this.sha.update(chunk);
    if (this.headBytes < MIB) {
      const take = Math.min(MIB - this.headBytes, chunk.length);
      this.md5.update(chunk.subarray(0, take));
      this.headBytes += take;
    }
    this.size += chunk.length;
  }

  /** Final digests (the hasher cannot be updated afterwards). */
  digest(): { sha256: string; md5FirstMiB: string; size: number } {
    this.digests ??= { sha256: this.sha.digest('hex'), md5FirstMiB: this.md5.digest('hex') };
    return { ...this.digests, size: this.size };
  }

  /** True when the bytes seen match `expected`. */
  matches(expected: Checksum): boolean {
    const d = this.digest();
    if ('sha256' in expected) return d.sha256 === expected.sha256.toLowerCase();
    return d.size === expected.size && d.md5FirstMiB === expected.md5FirstMiB.toLowerCase();
  }
}

/**
 * Describes a checksum for messages; with `actual`, the same kind of digest of the bytes received.
 *
 * @example
 * ```ts
 * describeChecksum({ sha256: 'ab…' }); // 'sha256 ab…'
 * ```
 */
export function describeChecksum(expected: Checksum, actual?: ChecksumHasher): string {
  const d = actual?.digest();
  if ('sha256' in expected) return `sha256 ${d ? d.sha256 : expected.sha256}`;
  return d
    ? `size ${d.size} bytes, md5 of first MiB ${d.md5FirstMiB}`
    : `size ${expected.size} bytes, md5 of first MiB ${expected.md5FirstMiB}`;
}

/**
 * Computes the checksums of a file (streamed).
 *
 * @example
 * ```ts
 * const h = await hashFile('mnist_sample.tgz');
 * if (!h.matches(URLs.MNIST_SAMPLE.checksum)) throw new Error('corrupt');
 * ```
 */
export async function hashFile(file: string): Promise<ChecksumHasher> {
  const h = new ChecksumHasher();
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h;
}
