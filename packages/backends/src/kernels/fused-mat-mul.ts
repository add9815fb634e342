import * as tf from '@tensorflow/tfjs-core';
import { type KernelBackend, type KernelCall, withScratch } from './wasm-kernel-calls.js';

/** Attributes tfjs passes to the `_FusedMatMul` kernel. */
interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'prelu' | 'sigmoid';
  leakyreluAlpha?: number;
}

/** Applies a fused activation with the backend's own activation kernels. */
function activate(
  call: KernelCall,
  x: tf.TensorInfo,
  attrs: FusedMatMulAttrs,
  preluWeights: tf.TensorInfo | undefined,
): tf.TensorInfo {
  switch (attrs.activation ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return call(tf.Relu, { x });
    case 'relu6':
      return call(tf.Relu6, { x });
    case 'elu':
      return call(tf.Elu, { x });
    case 'sigmoid':
      return call(tf.Sigmoid, { x });
    case 'leakyrelu':
      return call(tf.LeakyRelu, { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 });
    case 'prelu':
      if (preluWeights == null)
        throw new Error("_FusedMatMul: activation 'prelu' needs preluActivationWeights");
      return call(tf.Prelu, { x, alpha: preluWeights });
    default:
      throw new Error(`_FusedMatMul: unknown activation '${String(attrs.activation)}'`);
  }
}

/**
 * Wraps a backend's `_FusedMatMul` that adds its bias correctly only in the plain case (WASM 4.22: one
 * un-batched product of untransposed operands with a bias of one value per output column; otherwise it
 * adds the bias to the wrong elements or refuses the bias's shape). Outside that case the product is done
 * without bias or activation by the original kernel, then the backend's `Add` (broadcasting, as the CPU
 * backend does) and activation kernels finish the job.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel(tf._FusedMatMul, 'wasm')!;
 * tf.unregisterKernel(tf._FusedMatMul, 'wasm');
 * tf.registerKernel(makeFusedMatMulKernel(stock));
 * ```
 */
export function makeFusedMatMulKernel(original: tf.KernelConfig): tf.KernelConfig {
  const { backendName } = original;
  return {
    ...original,
    kernelFunc: (args) => {
      const { inputs, backend } = args;
      const attrs = args.attrs as unknown as FusedMatMulAttrs;
      const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
      if (bias == null) return original.kernelFunc(args);
      const columns = attrs.transposeB ? b!.shape.at(-2) : b!.shape.at(-1);
      const batched =
        a!.shape.slice(0, -2).some((d) => d !== 1) || b!.shape.slice(0, -2).some((d) => d !== 1);
      const plain =
        !attrs.transposeA &&
        !attrs.transposeB &&
        !batched &&
        bias.shape.length === 1 &&
        bias.shape[0] === columns;
      if (plain) return original.kernelFunc(args);
      return withScratch(backendName, backend as unknown as KernelBackend, (call, _write, own) => {
        const product = own(
          original.kernelFunc({
            inputs: { a: a!, b: b! },
            backend,
            attrs: { ...args.attrs, activation: 'linear', leakyreluAlpha: 0 },
          }) as tf.TensorInfo,
        );
        const biased = call(tf.Add, { a: product, b: bias });
        return activate(call, biased, attrs, preluActivationWeights);
      });
    },
  };
}
