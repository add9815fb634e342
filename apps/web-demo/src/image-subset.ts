/**
 * A seeded random subset of an image set, for the page's quick test mode (MNIST_SAMPLE's training
 * images are stored class by class, so the first N would all be 3s).
 */
import type { ImageSet } from '@onecycle/vision-data';

/** Deterministic 32-bit generator (mulberry32) giving numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` images of `set` drawn without replacement by a generator seeded with `seed`, kept in their
 * original order (copies the pixels).
 *
 * @example
 * ```ts
 * const small = randomSubset(sets.train, 2000, 0); // about 1,000 of each class
 * ```
 */
export function randomSubset(set: ImageSet, n: number, seed: number): ImageSet {
  if (!(Number.isInteger(n) && n >= 1 && n <= set.n)) {
    throw new RangeError(`subset size must be an integer in [1, ${set.n}], got ${n}`);
  }
  const rand = mulberry32(seed);
  const order = Int32Array.from({ length: set.n }, (_, i) => i);
  for (let i = set.n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const picked = order.subarray(0, n).sort();
  const per = set.height * set.width * set.channels;
  const pixels = set.pixels instanceof Float32Array ? new Float32Array(n * per) : new Uint8Array(n * per);
  const labels = new Int32Array(n);
  picked.forEach((src, dst) => {
    pixels.set(set.pixels.subarray(src * per, (src + 1) * per), dst * per);
    labels[dst] = set.labels[src]!;
  });
  return {
    n,
    height: set.height,
    width: set.width,
    channels: set.channels,
    pixels,
    labels,
    ...(set.files ? { files: Array.from(picked, (i) => set.files![i]!) } : {}),
  };
}
