import * as tf from '@tensorflow/tfjs-core';
import { padOrCrop } from './pad-or-crop.js';
import { type KernelBackend, withScratch } from './wasm-kernel-calls.js';
import { zeroInsert } from './zero-insert.js';

/** Attributes tfjs passes to the depthwise backprop kernels. */
interface DepthwiseBackpropAttrs {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

function convInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: DepthwiseBackpropAttrs,
  kernel: string,
): tf.backend_util.Conv2DInfo {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error(`${kernel}: dilations other than 1 are not supported (nor by tfjs's depthwise gradient)`);
  }
  return info;
}

/**
 * Builds a `DepthwiseConv2dNativeBackpropInput` kernel from the backend's `DepthwiseConv2dNative`: a
 * stride-1 depthwise convolution of the zero-inserted output gradient by the spatially flipped filter
 * (each of the `C·m` output channels on its own), then a sum over each input channel's `m` multipliers.
 *
 * @example
 * ```ts
 * tf.registerKernel(makeDepthwiseBackpropInputKernel('wasm'));
 * ```
 */
export function makeDepthwiseBackpropInputKernel(backendName: string): tf.KernelConfig {
  const name = tf.DepthwiseConv2dNativeBackpropInput;
  return {
    kernelName: name,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as DepthwiseBackpropAttrs;
      const fShape = filter.shape as [number, number, number, number];
      const info = convInfo(a.inputShape!, fShape, a, name);
      const [kh, kw, c, m] = fShape;
      const [n, inH, inW] = a.inputShape!;
      return withScratch(backendName, backend as unknown as KernelBackend, (call) => {
        const dyd = zeroInsert(call, dy, info.strideHeight, info.strideWidth);
        const [, rows, cols] = dyd.shape as [number, number, number, number];
        const top = kh - 1 - info.padInfo.top;
        const left = kw - 1 - info.padInfo.left;
        const { x, pad } = padOrCrop(
          call,
          dyd,
          top,
          inH + kh - 1 - top - rows,
          left,
          inW + kw - 1 - left - cols,
        );
        const flipped = call(tf.Reverse, { x: filter }, { dims: [0, 1] });
        const perChannel = call(tf.Reshape, { x: flipped }, { shape: [kh, kw, c * m, 1] });
        const dx = call(
          tf.DepthwiseConv2dNative,
          { x, filter: perChannel },
          { strides: [1, 1], dilations: [1, 1], pad },
        ); // [N, H, W, C·m]
        if (m === 1) return dx;
        const grouped = call(tf.Reshape, { x: dx }, { shape: [n, inH, inW, c, m] });
        return call(tf.Sum, { x: grouped }, { axis: [4], keepDims: false });
      });
    },
  };
}

/**
 * Builds a `DepthwiseConv2dNativeBackpropFilter` kernel from the backend's `DepthwiseConv2dNative`: the
 * batch is folded into the channels (`[1, H, W, N·C]`), the output gradient becomes a `[OH, OW, N·C, m]`
 * depthwise filter dilated by the stride, and the result `[KH, KW, N·C·m]` is summed over the batch.
 *
 * @example
 * ```ts
 * tf.registerKernel(makeDepthwiseBackpropFilterKernel('wasm'));
 * ```
 */
export function makeDepthwiseBackpropFilterKernel(backendName: string): tf.KernelConfig {
  const name = tf.DepthwiseConv2dNativeBackpropFilter;
  return {
    kernelName: name,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as DepthwiseBackpropAttrs;
      const xShape = x.shape as [number, number, number, number];
      const info = convInfo(xShape, a.filterShape!, a, name);
      const [kh, kw, c, m] = a.filterShape!;
      const [n, inH, inW] = xShape;
      const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
      const bottom = kh + (oh - 1) * sh - inH - info.padInfo.top;
      const right = kw + (ow - 1) * sw - inW - info.padInfo.left;
      return withScratch(backendName, backend as unknown as KernelBackend, (call) => {
        const xT = call(tf.Transpose, { x }, { perm: [1, 2, 0, 3] }); // [H, W, N, C]
        const x1 = call(tf.Reshape, { x: xT }, { shape: [1, inH, inW, n * c] });
        const { x: xIn, pad } = padOrCrop(call, x1, info.padInfo.top, bottom, info.padInfo.left, right);
        const dyT = call(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, C·m]
        const f = call(tf.Reshape, { x: dyT }, { shape: [oh, ow, n * c, m] });
        const dw = call(
          tf.DepthwiseConv2dNative,
          { x: xIn, filter: f },
          { strides: [1, 1], dilations: [sh, sw], pad },
        ); // [1, KH, KW, N·C·m]
        const perBatch = call(tf.Reshape, { x: dw }, { shape: [kh, kw, n, c * m] });
        const summed = call(tf.Sum, { x: perBatch }, { axis: [2], keepDims: false }); // [KH, KW, C·m]
        return call(tf.Reshape, { x: summed }, { shape: [kh, kw, c, m] });
      });
    },
  };
}
