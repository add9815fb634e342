import * as tf from '@tensorflow/tfjs-core';
import { padOrCrop } from './pad-or-crop.js';
import { type KernelBackend, withScratch } from './wasm-kernel-calls.js';

/** Attributes tfjs passes to the `Conv2DBackpropFilter` kernel. */
interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * Builds a `Conv2DBackpropFilter` kernel for a backend that has fast `Conv2D`, `Transpose` and `Slice`
 * kernels but no filter gradient of its own (WASM).
 *
 * The filter gradient `dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s + kh − padTop, ow·s + kw − padLeft, ci] · dy[n,oh,ow,co]`
 * is itself a stride-1 convolution: of the input with batch and channel axes swapped (`[Cin,H,W,N]`), by the
 * output gradient used as a filter (`[OH,OW,N,Cout]`) dilated by the forward stride, with the forward
 * padding at the top/left and whatever bottom/right padding (or cropping) makes the result `KH×KW`.
 *
 * @example
 * ```ts
 * tf.registerKernel(makeConv2DBackpropFilterKernel('wasm'));
 * ```
 */
export function makeConv2DBackpropFilterKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as BackpropFilterAttrs;
      if (dataFormat !== undefined && dataFormat !== 'NHWC') {
        throw new Error(
          `Conv2DBackpropFilter on '${backendName}' supports dataFormat 'NHWC' only, got '${dataFormat}'`,
        );
      }
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const [, inH, inW] = x.shape as [number, number, number, number];
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
      const { outHeight: oh, outWidth: ow } = info;
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      // Rows the dilated "filter" (dy) sweeps: top pad + input rows + bottom pad = kh + (oh-1)·sh.
      const bottom = kh + (oh - 1) * sh - inH - top;
      const right = kw + (ow - 1) * sw - inW - left;
      return withScratch(backendName, backend as unknown as KernelBackend, (call) => {
        const xT = call(tf.Transpose, { x }, { perm: [3, 1, 2, 0] }); // [Cin, H, W, N]
        const { x: xIn, pad: padding } = padOrCrop(call, xT, top, bottom, left, right);
        const dyT = call(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, Cout]
        const dwT = call(
          tf.Conv2D,
          { x: xIn, filter: dyT },
          { strides: [1, 1], dilations: [sh, sw], pad: padding, dataFormat: 'NHWC' },
        ); // [Cin, KH, KW, Cout]
        return call(tf.Transpose, { x: dwT }, { perm: [1, 2, 0, 3] }); // [KH, KW, Cin, Cout]
      });
    },
  };
}
