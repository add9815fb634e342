import { convLayer } from './conv-layer.js';
import { checkInt } from './layers/check.js';
import { PoolFlatten } from './layers/pooling.js';
import { type Rng, resolveRng } from './rng.js';
import { Sequential } from './sequential.js';

/**
 * Options of {@link simpleCnn} besides fastai's positional arguments.
 *
 * @example
 * ```ts
 * const opts: SimpleCnnOptions = { seed: 42 };
 * ```
 */
export interface SimpleCnnOptions {
  /** Seed of the initialisation (ignored if `rng` is given). Same seed ⇒ same weights. */
  seed?: number;
  /** Random stream for the initialisation. */
  rng?: Rng;
}

function checkList(name: string, values: readonly number[], n: number, min: number): void {
  if (!Array.isArray(values) || values.length !== n) {
    throw new RangeError(
      `simpleCnn: ${name} must have ${n} entries (one per conv layer), got ${String(values)}`,
    );
  }
  values.forEach((v, i) => {
    checkInt(v, min, `simpleCnn: ${name}[${i}]`);
  });
}

/**
 * fastai v1's `simple_cnn(actns, kernel_szs, strides, bn)`: one {@link convLayer} per pair of
 * consecutive channel counts (kernel 3 and stride 2 by default, padding `(ks−1)/2`, ReLU after every
 * conv including the last, batch norm after all but the last if `bn`), then {@link PoolFlatten}.
 * Parameter names and shapes match the PyTorch model (`'0.0.weight'`, `'0.0.bias'`, …).
 *
 * @param actns - channel counts, input first: `[3, 16, 16, 2]` is three conv layers 3→16→16→2.
 * @param kernelSizes - one kernel size per conv layer (default all 3).
 * @param strides - one stride per conv layer (default all 2).
 * @param bn - batch norm after every conv layer but the last (default `false`).
 * @example
 * ```ts
 * import { simpleCnn } from '@onecycle/models';
 * const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
 * model.numParameters(); // 3058
 * const logits = tf.tidy(() => model.forward(tf.zeros([64, 28, 28, 3]))); // [64, 2]
 * ```
 */
export function simpleCnn(
  actns: readonly number[],
  kernelSizes?: readonly number[],
  strides?: readonly number[],
  bn = false,
  options: SimpleCnnOptions = {},
): Sequential {
  if (!Array.isArray(actns) || actns.length < 2) {
    throw new RangeError(`simpleCnn: actns must list at least 2 channel counts, got ${String(actns)}`);
  }
  actns.forEach((a, i) => {
    checkInt(a, 1, `simpleCnn: actns[${i}]`);
  });
  const nl = actns.length - 1;
  const ks = kernelSizes ?? new Array<number>(nl).fill(3);
  const ss = strides ?? new Array<number>(nl).fill(2);
  checkList('kernelSizes', ks, nl, 1);
  checkList('strides', ss, nl, 1);
  const rng = resolveRng(options);
  const layers = ss.map((stride, i) =>
    convLayer(actns[i]!, actns[i + 1]!, { ks: ks[i]!, stride, bn: bn && i < nl - 1, rng }),
  );
  return new Sequential(...layers, new PoolFlatten());
}
