import * as tf from '@tensorflow/tfjs-core';
import { convGeometry, SimdConv } from './simd-conv.js';

/** What the SIMD kernels need of tfjs's WASM backend: its heap views and output allocation. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

type Shape4 = [number, number, number, number];

function info4(xShape: Shape4, filterShape: Shape4, a: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}

const usable = (a: ConvAttrs, ...infos: tf.TensorInfo[]) =>
  (a.dataFormat === undefined || a.dataFormat === 'NHWC') &&
  infos.every((t) => t.dtype === 'float32' && tf.util.sizeFromShape(t.shape) > 0);

/**
 * Builds the WASM backend's `Conv2D` or `FusedConv2D` kernel on the SIMD convolution (im2col +
 * register-tiled products, see {@link SimdConv}); `FusedConv2D` with a per-channel (or scalar) bias and
 * a `linear` or `relu` activation. Anything else (NCHW, other activations, SIMD missing) goes to
 * `fallback`, the kernel it replaces.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel(tf.FusedConv2D, 'wasm')!;
 * tf.unregisterKernel(tf.FusedConv2D, 'wasm');
 * tf.registerKernel(makeSimdConv2DKernel(tf.FusedConv2D, stock));
 * ```
 */
export function makeSimdConv2DKernel(
  kernelName: typeof tf.Conv2D | typeof tf.FusedConv2D,
  fallback: tf.KernelConfig,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: fallback.backendName,
    setupFunc: fallback.setupFunc,
    disposeFunc: fallback.disposeFunc,
    kernelFunc: (args) => {
      const { inputs, backend } = args;
      const attrs = args.attrs as unknown as ConvAttrs;
      const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
      const activation = attrs.activation ?? 'linear';
      const simd = SimdConv.load();
      const biasOk =
        bias == null ||
        tf.util.sizeFromShape(bias.shape) === 1 ||
        tf.util.sizeFromShape(bias.shape) === filter!.shape[3];
      if (
        simd == null ||
        preluActivationWeights != null ||
        (activation !== 'linear' && activation !== 'relu') ||
        !biasOk ||
        !usable(attrs, x!, filter!, ...(bias ? [bias] : []))
      ) {
        return fallback.kernelFunc(args);
      }
      const g = convGeometry(info4(x!.shape as Shape4, filter!.shape as Shape4, attrs));
      const wasm = backend as unknown as WasmHeapBackend;
      const out = wasm.makeOutput([g.n, g.oh, g.ow, g.co], 'float32');
      let biasValues: Float32Array | null = null;
      if (bias != null) {
        const b = wasm.typedArrayFromHeap(bias);
        biasValues = b.length === g.co ? b : new Float32Array(g.co).fill(b[0]!);
      }
      const done = simd.forward(
        g,
        wasm.typedArrayFromHeap(x!),
        wasm.typedArrayFromHeap(filter!),
        biasValues,
        activation === 'relu',
        wasm.typedArrayFromHeap(out),
      );
      if (done) return out;
      (backend as unknown as { disposeData(id: object): void }).disposeData(out.dataId);
      return fallback.kernelFunc(args);
    },
  };
}

/**
 * A backprop kernel on the SIMD convolution, of the inputs named `names`: allocates the output of `outShape`, lets `compute` fill
 * it from the inputs' heap views, and runs `fallback` instead without SIMD, for other layouts, or when
 * `compute` reports that the tensors do not fit the kernels' memory.
 */
function simdBackprop(
  kernelName: string,
  fallback: tf.KernelConfig,
  names: [string, string],
  shapes: (inputs: tf.NamedTensorInfoMap, attrs: ConvAttrs) => { x: Shape4; filter: Shape4; out: Shape4 },
  compute: (
    simd: SimdConv,
    g: ReturnType<typeof convGeometry>,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
  ) => boolean,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: fallback.backendName,
    kernelFunc: (args) => {
      const a = args.inputs[names[0]] as tf.TensorInfo;
      const b = args.inputs[names[1]] as tf.TensorInfo;
      const attrs = args.attrs as unknown as ConvAttrs;
      const simd = SimdConv.load();
      if (simd == null || !usable(attrs, a, b)) return fallback.kernelFunc(args);
      const { x, filter, out: outShape } = shapes(args.inputs, attrs);
      const g = convGeometry(info4(x, filter, { ...attrs, dilations: 1 }));
      const wasm = args.backend as unknown as WasmHeapBackend;
      const out = wasm.makeOutput([...outShape], 'float32');
      if (
        compute(simd, g, wasm.typedArrayFromHeap(a), wasm.typedArrayFromHeap(b), wasm.typedArrayFromHeap(out))
      ) {
        return out;
      }
      (args.backend as unknown as { disposeData(id: object): void }).disposeData(out.dataId);
      return fallback.kernelFunc(args);
    },
  };
}

/**
 * Builds the WASM backend's `Conv2DBackpropFilter` kernel on the SIMD convolution; NHWC float32, any
 * stride and padding. Otherwise (or without SIMD) runs `fallback`.
 *
 * @example
 * ```ts
 * tf.registerKernel(makeSimdConv2DBackpropFilterKernel(makeConv2DBackpropFilterKernel('wasm')));
 * ```
 */
export function makeSimdConv2DBackpropFilterKernel(fallback: tf.KernelConfig): tf.KernelConfig {
  return simdBackprop(
    tf.Conv2DBackpropFilter,
    fallback,
    ['x', 'dy'],
    (inputs, attrs) => ({
      x: inputs.x!.shape as Shape4,
      filter: attrs.filterShape!,
      out: attrs.filterShape!,
    }),
    (simd, g, x, dy, out) => simd.filterGrad(g, x, dy, out),
  );
}

/**
 * Builds the WASM backend's `Conv2DBackpropInput` kernel on the SIMD convolution; NHWC float32, any
 * stride and padding. Otherwise (or without SIMD) runs `fallback`.
 *
 * @example
 * ```ts
 * tf.registerKernel(makeSimdConv2DBackpropInputKernel(makeConv2DBackpropInputKernel('wasm')));
 * ```
 */
export function makeSimdConv2DBackpropInputKernel(fallback: tf.KernelConfig): tf.KernelConfig {
  return simdBackprop(
    tf.Conv2DBackpropInput,
    fallback,
    ['dy', 'filter'],
    (inputs, attrs) => ({
      x: attrs.inputShape!,
      filter: inputs.filter!.shape as Shape4,
      out: attrs.inputShape!,
    }),
    (simd, g, dy, filter, out) => simd.inputGrad(g, dy, filter, out),
  );
}
