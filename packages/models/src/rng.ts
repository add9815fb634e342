/**
 * A small seeded pseudo-random number generator (sfc32, 128-bit state) with uniform and normal draws.
 * The same seed gives the same sequence on every platform and backend, which makes weight
 * initialisation and dropout masks reproducible.
 *
 * @example
 * ```ts
 * import { Rng } from '@onecycle/models';
 * const rng = new Rng(42);
 * rng.uniform();   // in [0, 1)
 * rng.normal();    // standard normal
 * ```
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /**
   * @param seed - any finite number; integers are the usual choice. Equal seeds give equal sequences.
   */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be a finite number, got ${seed}`);
    // Split the seed into 32-bit words (integer part and fraction) and mix them with splitmix32.
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    const lo = Math.floor(seed) >>> 0;
    const frac = Math.floor((seed - Math.floor(seed)) * 2 ** 32) >>> 0;
    let s = (lo ^ Math.imul(hi, 0x9e3779b9) ^ Math.imul(frac, 0x85ebca6b)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /**
   * The next unsigned 32-bit integer.
   *
   * @example
   * ```ts
   * const seedForTf = new Rng(1).uint32(); // e.g. as the seed of tf.randomUniform
   * ```
   */
  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /**
   * A uniform draw in [0, 1) with 32 bits of resolution.
   *
   * @example
   * ```ts
   * const u = new Rng(0).uniform();
   * ```
   */
  uniform(): number {
    return this.uint32() / 2 ** 32;
  }

  /**
   * A standard normal draw (Box–Muller; pairs are generated and the spare is kept).
   *
   * @example
   * ```ts
   * const z = new Rng(0).normal();
   * ```
   */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A new generator whose seed is drawn from this one: give each layer its own stream.
   *
   * @example
   * ```ts
   * const root = new Rng(7);
   * const dropoutRng = root.fork();
   * ```
   */
  fork(): Rng {
    return new Rng(this.uint32() * 2 ** 21 + (this.uint32() >>> 11));
  }
}

/**
 * Where a layer gets its randomness: an explicit {@link Rng}, a seed, or (neither) a random seed.
 *
 * @example
 * ```ts
 * import { resolveRng } from '@onecycle/models';
 * const rng = resolveRng({ seed: 3 });
 * ```
 */
export function resolveRng(opts: { rng?: Rng; seed?: number } = {}): Rng {
  if (opts.rng) return opts.rng;
  if (opts.seed !== undefined) return new Rng(opts.seed);
  return new Rng(Math.floor(Math.random() * 2 ** 32));
}
