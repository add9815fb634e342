import * as tf from '@tensorflow/tfjs-core';

/**
 * A function that registers `config`, a fused kernel's gradient, with tfjs on its first call and does
 * nothing after: each op calls it before it runs its kernel, so importing the package registers
 * nothing.
 *
 * @example
 * ```ts
 * const registerGradient = gradientOnce({ kernelName: 'MyKernel', gradFunc: (dy) => ({ x: () => dy as tf.Tensor }) });
 * registerGradient(); // registered
 * registerGradient(); // nothing more
 * ```
 */
export function gradientOnce(config: tf.GradConfig): () => void {
  let registered = false;
  return () => {
    if (registered) return;
    registered = true;
    tf.registerGradient(config);
  };
}
