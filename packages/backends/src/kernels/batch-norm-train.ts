import {
  BATCH_NORM_TRAIN_KERNELS,
  type BatchNormTrainAttrs,
  type BatchNormTrainInputGradInputs,
  type BatchNormTrainInputs,
  type BatchNormTrainParamsGradInputs,
} from '@onecycle/ops';
import type * as tf from '@tensorflow/tfjs-core';
import { batchNormForward, batchNormGrad } from './simd-batch-norm.js';
import { SimdConv } from './simd-conv.js';
import type { WasmHeapBackend } from './wasm-kernel-calls.js';

function tooLarge(what: string, info: tf.TensorInfo): never {
  throw new Error(
    `${what}: a batch of shape [${info.shape}] does not fit the WASM kernels' memory (at most 4 GiB)`,
  );
}

/**
 * Builds the WASM kernels of the trainable batch normalisation ({@link BATCH_NORM_TRAIN_KERNELS})
 * on the SIMD kernels of `wasm/batch-norm-kernels.c`: two passes forward (statistics, then output,
 * with the ReLU when asked), two for the input gradient (masked by that ReLU), whose per-channel sums are also the weight's and bias's gradients —
 * kept, by the output gradient's data id, for the parameters kernel that follows.
 *
 * @example
 * ```ts
 * for (const k of makeBatchNormTrainKernels('wasm')) tf.registerKernel(k);
 * ```
 */
export function makeBatchNormTrainKernels(backendName: string): tf.KernelConfig[] {
  const kernels = () => SimdConv.load()!;
  const paramsGrads = new Map<object, { values: Float32Array; uses: number }>();
  const view = (wasm: WasmHeapBackend, info: tf.TensorInfo) => wasm.typedArrayFromHeap(info);
  /** Runs the gradient pass; returns dx's TensorInfo and the parameters' gradients. */
  const grad = (inputs: BatchNormTrainInputGradInputs, attrs: BatchNormTrainAttrs, wasm: WasmHeapBackend) => {
    const x = inputs.x;
    const c = x.shape[x.shape.length - 1]!;
    const dx = wasm.makeOutput([...x.shape], 'float32');
    const params = new Float32Array(2 * c);
    const done = batchNormGrad(
      kernels(),
      view(wasm, inputs.dy),
      view(wasm, x),
      c,
      view(wasm, inputs.mean),
      view(wasm, inputs.variance),
      view(wasm, inputs.weight),
      view(wasm, inputs.dmean),
      view(wasm, inputs.dvariance),
      attrs.eps,
      wasm.typedArrayFromHeap(dx),
      params,
      attrs.activation === 'relu' ? view(wasm, inputs.bias) : null,
    );
    if (!done) tooLarge('batch norm gradient', x);
    return { dx, params };
  };
  return [
    {
      kernelName: BATCH_NORM_TRAIN_KERNELS.forward,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, weight, bias } = inputs as unknown as BatchNormTrainInputs;
        const { eps, activation } = attrs as unknown as BatchNormTrainAttrs;
        const wasm = backend as unknown as WasmHeapBackend;
        const c = x.shape[x.shape.length - 1]!;
        const y = wasm.makeOutput([...x.shape], 'float32');
        const mean = wasm.makeOutput([c], 'float32');
        const variance = wasm.makeOutput([c], 'float32');
        const done = batchNormForward(
          kernels(),
          view(wasm, x),
          c,
          view(wasm, weight),
          view(wasm, bias),
          eps,
          wasm.typedArrayFromHeap(y),
          wasm.typedArrayFromHeap(mean),
          wasm.typedArrayFromHeap(variance),
          activation === 'relu',
        );
        if (!done) tooLarge('batch norm', x);
        return [y, mean, variance];
      },
    },
    {
      kernelName: BATCH_NORM_TRAIN_KERNELS.inputGrad,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const t = inputs as unknown as BatchNormTrainInputGradInputs;
        const { dx, params } = grad(
          t,
          attrs as unknown as BatchNormTrainAttrs,
          backend as unknown as WasmHeapBackend,
        );
        if (paramsGrads.size >= 64) paramsGrads.clear();
        paramsGrads.set(t.dy.dataId, { values: params, uses: 0 });
        return dx;
      },
    },
    {
      kernelName: BATCH_NORM_TRAIN_KERNELS.paramsGrad,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const t = inputs as unknown as BatchNormTrainParamsGradInputs;
        const wasm = backend as unknown as WasmHeapBackend;
        const c = t.x.shape[t.x.shape.length - 1]!;
        let values: Float32Array;
        const known = paramsGrads.get(t.dy.dataId);
        if (known) {
          values = known.values;
          // Asked for twice (weight, then bias): forgotten after the second.
          if (++known.uses === 2) paramsGrads.delete(t.dy.dataId);
        } else {
          // No input gradient came first: run the gradient pass for its sums alone (dx discarded).
          // Any [C] tensors stand in for dmean and dvariance: the sums do not read them.
          const sumsOnly = { ...t, dmean: t.mean, dvariance: t.mean };
          const { dx, params } = grad(sumsOnly, attrs as unknown as BatchNormTrainAttrs, wasm);
          (backend as unknown as WasmHeapBackend).disposeData(dx.dataId);
          values = params;
        }
        const out = wasm.makeOutput([2, c], 'float32');
        wasm.typedArrayFromHeap(out).set(values);
        return out;
      },
    },
  ];
}
