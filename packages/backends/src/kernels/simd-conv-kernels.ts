import {
  CONV2D_BIAS_ACT_KERNELS,
  type Conv2dBiasActAttrs,
  type Conv2dBiasActBiasGradInputs,
  type Conv2dBiasActFilterGradInputs,
  type Conv2dBiasActInputGradInputs,
} from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { convGeometry } from './conv-geometry.js';
import { SimdConv } from './simd-conv.js';
import { type KernelCall, type WasmHeapBackend, withScratch } from './wasm-kernel-calls.js';

/**
 * The attributes these kernels read: tfjs's convolution kernels' (`Conv2D`, `FusedConv2D` and the two
 * backprops, whose attributes are subsets of these) and `conv2dBiasAct`'s, as declared by each op side.
 */
type ConvAttrs = Omit<tf.Conv2DAttrs, 'dataFormat' | 'dilations'> &
  Partial<Pick<tf.Conv2DAttrs, 'dataFormat' | 'dilations'>> &
  Partial<Pick<tf.FusedConv2DAttrs, 'activation'>> &
  Pick<Conv2dBiasActAttrs, 'keepPatches' | 'filterShape' | 'inputShape'>;

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
        attrs.keepPatches ? x!.dataId : undefined,
      );
      if (done) return out;
      (backend as unknown as WasmHeapBackend).disposeData(out.dataId);
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
      (args.backend as unknown as WasmHeapBackend).disposeData(out.dataId);
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

/** `dy`, masked by `y > 0` for a ReLU, with the backend's own kernels (the fallback path). */
function maskedGrad(
  call: KernelCall,
  dy: tf.TensorInfo,
  y: tf.TensorInfo,
  activation: string,
): tf.TensorInfo {
  return activation === 'relu' ? call(tf.Multiply, { a: dy, b: call(tf.Step, { x: y }, { alpha: 0 }) }) : dy;
}

/**
 * A gradient kernel of the fused convolution: `simd` fills the output of `shape` from the inputs (the
 * ReLU mask `y` given for `'relu'`); when it reports that they do not fit the kernels' memory,
 * `compose` computes the output from the masked gradient with the backend's other kernels.
 */
function gradKernel<Inputs extends Conv2dBiasActBiasGradInputs>(
  kernelName: string,
  backendName: string,
  run: (
    inputs: Inputs,
    attrs: ConvAttrs,
    backend: WasmHeapBackend,
  ) => {
    shape: number[];
    simd: (out: Float32Array, y: Float32Array | null) => boolean;
    compose: (call: KernelCall, masked: tf.TensorInfo) => tf.TensorInfo;
  },
): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const inputs = args.inputs as unknown as Inputs;
      const attrs = args.attrs as unknown as ConvAttrs;
      const wasm = args.backend as unknown as WasmHeapBackend;
      const relu = attrs.activation === 'relu';
      const { shape, simd, compose } = run(inputs, attrs, wasm);
      const out = wasm.makeOutput(shape, 'float32');
      if (simd(wasm.typedArrayFromHeap(out), relu ? wasm.typedArrayFromHeap(inputs.y) : null)) return out;
      wasm.disposeData(out.dataId);
      return withScratch(backendName, wasm, (call) =>
        compose(call, maskedGrad(call, inputs.dy, inputs.y, attrs.activation ?? 'linear')),
      );
    },
  };
}

/**
 * Builds the WASM kernels of the trainable fused convolution ({@link CONV2D_BIAS_ACT_KERNELS}) on
 * the SIMD convolution: the forward pass with bias and ReLU in one pass; the filter, bias and input
 * gradients, each applying the ReLU mask as it copies the output gradient in (no separate mask
 * tensor). When tensors do not fit the kernels' memory, they compose the backend's other kernels.
 *
 * @param fusedFallback - the backend's `FusedConv2D` kernel, run by the forward kernel in that case.
 * @example
 * ```ts
 * for (const k of makeConv2DBiasActKernels(tf.getKernel(tf.FusedConv2D, 'wasm')!)) tf.registerKernel(k);
 * ```
 */
export function makeConv2DBiasActKernels(fusedFallback: tf.KernelConfig): tf.KernelConfig[] {
  const backendName = fusedFallback.backendName;
  const forward = makeSimdConv2DKernel(tf.FusedConv2D, fusedFallback);
  const simd = () => SimdConv.load()!;
  // The filter gradient also sums the (masked) output gradient it has copied in: the bias gradient,
  // kept here by the output gradient's data id for the bias kernel that usually follows (tfjs asks
  // for the gradients in the op's input order: x, filter, bias). Bounded: entries nobody asked for
  // (a layer without bias) are dropped when there are too many.
  const biasGrads = new Map<object, Float32Array>();
  return [
    {
      ...forward,
      kernelName: CONV2D_BIAS_ACT_KERNELS.forward,
      setupFunc: undefined,
      disposeFunc: undefined,
    },
    gradKernel<Conv2dBiasActFilterGradInputs>(
      CONV2D_BIAS_ACT_KERNELS.filterGrad,
      backendName,
      ({ x, dy }, attrs, wasm) => {
        const g = convGeometry(info4(x.shape as Shape4, attrs.filterShape!, { ...attrs, dilations: 1 }));
        return {
          shape: [...attrs.filterShape!],
          simd: (out, y) => {
            const db = new Float32Array(g.co);
            const heapX = wasm.typedArrayFromHeap(x);
            if (!simd().filterGrad(g, heapX, wasm.typedArrayFromHeap(dy), out, y, x.dataId, db)) return false;
            if (biasGrads.size >= 64) biasGrads.clear();
            biasGrads.set(dy.dataId, db);
            return true;
          },
          compose: (call, masked) => call(tf.Conv2DBackpropFilter, { x: x, dy: masked }, { ...attrs }),
        };
      },
    ),
    gradKernel<Conv2dBiasActBiasGradInputs>(
      CONV2D_BIAS_ACT_KERNELS.biasGrad,
      backendName,
      ({ dy }, _attrs, wasm) => {
        const [n, oh, ow, co] = dy.shape as Shape4;
        const g = { p: n * oh * ow, co, co4: (co + 3) & ~3 } as ReturnType<typeof convGeometry>;
        return {
          shape: [co],
          simd: (out, y) => {
            const known = biasGrads.get(dy.dataId);
            biasGrads.delete(dy.dataId);
            if (known) {
              out.set(known);
              return true;
            }
            return simd().biasGrad(g, wasm.typedArrayFromHeap(dy), out, y);
          },
          compose: (call, masked) => call(tf.Sum, { x: masked }, { axis: [0, 1, 2], keepDims: false }),
        };
      },
    ),
    gradKernel<Conv2dBiasActInputGradInputs>(
      CONV2D_BIAS_ACT_KERNELS.inputGrad,
      backendName,
      ({ dy, filter }, attrs, wasm) => {
        const g = convGeometry(info4(attrs.inputShape!, filter.shape as Shape4, { ...attrs, dilations: 1 }));
        return {
          shape: [...attrs.inputShape!],
          simd: (out, y) =>
            simd().inputGrad(g, wasm.typedArrayFromHeap(dy), wasm.typedArrayFromHeap(filter), out, y),
          compose: (call, masked) =>
            call(tf.Conv2DBackpropInput, { dy: masked, filter: filter! }, { ...attrs }),
        };
      },
    ),
  ];
}
