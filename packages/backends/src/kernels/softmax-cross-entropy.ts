import { SOFTMAX_CROSS_ENTROPY_KERNEL, type SoftmaxCrossEntropyInputs } from '@onecycle/ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend } from './wasm-kernel-calls.js';

/**
 * Builds the fused softmax cross-entropy kernel of `@onecycle/ops` ({@link SOFTMAX_CROSS_ENTROPY_KERNEL})
 * for `backendName`: one pass in JavaScript over the `[N, C]` logits (small next to the layers before
 * them), each row's log-sum-exp taken after subtracting its maximum and accumulated in float64.
 * Outputs the mean loss and its gradient in the logits, `(softmax − onehot) / N`. Every label is
 * checked before anything is allocated.
 *
 * @example
 * ```ts
 * tf.registerKernel(makeSoftmaxCrossEntropyKernel('cpu'));
 * ```
 */
export function makeSoftmaxCrossEntropyKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: SOFTMAX_CROSS_ENTROPY_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { logits, labels } = inputs as unknown as SoftmaxCrossEntropyInputs;
      const [n, c] = logits.shape as [number, number];
      const kb = backend as unknown as KernelBackend;
      const ids = kb.readSync(labels.dataId) as Int32Array;
      for (let i = 0; i < n; i++) {
        const label = ids[i]!;
        if (label < 0 || label >= c) {
          throw new RangeError(
            `softmaxCrossEntropy: label ${label} (row ${i}) is outside the ${c} classes [0, ${c})`,
          );
        }
      }
      const x = kb.readSync(logits.dataId) as Float32Array;
      const grad = new Float32Array(n * c);
      const exps = new Float64Array(c);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const row = i * c;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < c; j++) max = Math.max(max, x[row + j]!);
        let sum = 0;
        for (let j = 0; j < c; j++) {
          exps[j] = Math.exp(x[row + j]! - max);
          sum += exps[j]!;
        }
        const label = ids[i]!;
        total += Math.log(sum) - (x[row + label]! - max);
        for (let j = 0; j < c; j++) grad[row + j] = (exps[j]! / sum - (j === label ? 1 : 0)) / n;
      }
      const loss = new Float32Array([total / n]);
      return [
        { dataId: kb.write(loss, [], 'float32'), shape: [], dtype: 'float32' },
        { dataId: kb.write(grad, [n, c], 'float32'), shape: [n, c], dtype: 'float32' },
      ];
    },
  };
}
