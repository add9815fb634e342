import * as tf from '@tensorflow/tfjs-core';
import { type KernelBackend, withScratch } from './wasm-kernel-calls.js';
import { zeroInsert } from './zero-insert.js';

/** Attributes tfjs passes to the `Conv2DBackpropInput` kernel. */
interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Builds a `Conv2DBackpropInput` kernel (the input gradient of a convolution, also the transposed
 * convolution) that runs on the backend's own fast `Conv2D` (XNNPACK on WASM) instead of a naive loop.
 *
 * `dx[n,i,j,ci] = Σ dy[n,oh,ow,co] · W[kh,kw,ci,co]` over `i = oh·s + kh − padTop` is a stride-1 convolution
 * of the output gradient with zeros inserted between its rows/columns (stride − 1 of them), by the filter
 * flipped in both spatial axes with its in/out channel axes swapped, padded by `K − 1 − pad` before and by
 * whatever makes the result `H×W` after (cropping instead where that is negative).
 */
export function makeConv2DBackpropInputKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
        attrs as unknown as BackpropInputAttrs;
      if (dataFormat !== undefined && dataFormat !== 'NHWC') {
        throw new Error(
          `Conv2DBackpropInput on '${backendName}' supports dataFormat 'NHWC' only, got '${dataFormat}'`,
        );
      }
      const info = tf.backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const [, inH, inW] = inputShape;
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
      return withScratch(backendName, backend as unknown as KernelBackend, (call) => {
        let dyd = zeroInsert(call, dy, sh, sw); // [N, OH·sh, OW·sw, Cout]
        const [n, rows, cols, cOut] = dyd.shape as [number, number, number, number];
        const top = kh - 1 - info.padInfo.top;
        const left = kw - 1 - info.padInfo.left;
        const bottom = inH + kh - 1 - top - rows;
        const right = inW + kw - 1 - left - cols;
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
          const r0 = Math.max(0, -top);
          const c0 = Math.max(0, -left);
          const size = [n, rows - r0 - Math.max(0, -bottom), cols - c0 - Math.max(0, -right), cOut];
          dyd = call(tf.Slice, { x: dyd }, { begin: [0, r0, c0, 0], size });
        }
        const flipped = call(tf.Reverse, { x: filter }, { dims: [0, 1] });
        const w = call(tf.Transpose, { x: flipped }, { perm: [0, 1, 3, 2] }); // [KH, KW, Cout, Cin]
        return call(
          tf.Conv2D,
          { x: dyd, filter: w },
          {
            strides: [1, 1],
            dilations: [1, 1],
            pad: [
              [0, 0],
              [Math.max(top, 0), Math.max(bottom, 0)],
              [Math.max(left, 0), Math.max(right, 0)],
              [0, 0],
            ],
            dataFormat: 'NHWC',
          },
        );
      });
    },
  };
}
