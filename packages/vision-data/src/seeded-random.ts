/**
 * A small, fast 32-bit generator (mulberry32) returning floats in [0, 1). Same seed, same sequence,
 * on every platform.
 *
 * @example
 * ```ts
 * const rand = seededRandom(42);
 * console.log(rand(), rand());
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes several integers into one 32-bit seed (splitmix-style), e.g. `(seed, epoch)`.
 *
 * @example
 * ```ts
 * const rand = seededRandom(mixSeed(42, 3)); // the generator of epoch 3
 * ```
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (Math.floor(p) >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + 0x9e3779b9) >>> 0;
  }
  return h >>> 0;
}

/**
 * A permutation of `0..n-1` (Fisher–Yates) drawn from `rand`.
 *
 * @example
 * ```ts
 * const order = permutation(10, seededRandom(mixSeed(0, 1)));
 * ```
 */
export function permutation(n: number, rand: () => number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
