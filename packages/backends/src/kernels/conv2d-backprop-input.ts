import * as tf from '@tensorflow/tfjs-core';
import { padOrCrop } from './pad-or-crop.js';
import { subPixelAxis, subPixelFilter } from './sub-pixel-filter.js';
import { type KernelBackend, type KernelCall, type KernelWrite, withScratch } from './wasm-kernel-calls.js';
import { zeroInsert } from './zero-insert.js';

/** Attributes tfjs passes to the `Conv2DBackpropInput` kernel. */
interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

function conv(
  call: KernelCall,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pad: tf.backend_util.ExplicitPadding,
) {
  return call(tf.Conv2D, { x, filter }, { strides: [1, 1], dilations: [1, 1], pad, dataFormat: 'NHWC' });
}

/**
 * Stride 1, or unequal strides: a stride-1 convolution of `dy` with `stride − 1` zeros inserted between rows
 * and columns, by the spatially flipped filter with its in/out channel axes swapped, padded `K − 1 − pad`
 * before and as needed after (cropped where negative).
 */
function zeroInsertedConv(
  call: KernelCall,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
) {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight, inWidth } = info;
  const dyd = zeroInsert(call, dy, sh, sw); // [N, OH·sh, OW·sw, Cout]
  const [, rows, cols] = dyd.shape as [number, number, number, number];
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const { x, pad } = padOrCrop(
    call,
    dyd,
    top,
    inHeight + kh - 1 - top - rows,
    left,
    inWidth + kw - 1 - left - cols,
  );
  const flipped = call(tf.Reverse, { x: filter }, { dims: [0, 1] });
  const w = call(tf.Transpose, { x: flipped }, { perm: [0, 1, 3, 2] }); // [KH, KW, Cout, Cin]
  return conv(call, x, w, pad);
}

/**
 * Equal strides s > 1: one stride-1 convolution of the un-dilated `dy` computes all s² output phases at once
 * (s²·Cin output channels, see `subPixelAxis`), and a transpose interleaves them. Skips the
 * multiplications by inserted zeros: ≈ s² times less work than {@link zeroInsertedConv}.
 */
function subPixelConv(
  call: KernelCall,
  write: KernelWrite,
  backend: KernelBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
) {
  const {
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: s,
    inHeight,
    inWidth,
    inChannels,
    outChannels,
  } = info;
  const rows = subPixelAxis(kh, s, info.padInfo.top);
  const cols = subPixelAxis(kw, s, info.padInfo.left);
  const weights = backend.readSync(filter.dataId) as Float32Array;
  const shape = filter.shape as [number, number, number, number];
  const f = write(subPixelFilter(weights, shape, rows, cols, s), [
    rows.taps,
    cols.taps,
    outChannels,
    s * s * inChannels,
  ]);
  const jh = Math.ceil(inHeight / s);
  const jw = Math.ceil(inWidth / s);
  const [, oh, ow] = dy.shape as [number, number, number, number];
  // Correlation row j reads dy rows j − padBefore … j − padBefore + taps − 1, for j = 0 … jh − 1.
  const bottom = jh - 1 + rows.taps - 1 - rows.padBefore - (oh - 1);
  const right = jw - 1 + cols.taps - 1 - cols.padBefore - (ow - 1);
  const { x, pad } = padOrCrop(call, dy, rows.padBefore, bottom, cols.padBefore, right);
  const phases = conv(call, x, f, pad); // [N, jh, jw, s·s·Cin]
  // Interleave the phases (WASM's DepthToSpace is a slow loop; a transpose is not): channel
  // (rh·s + rw)·Cin + ci of row (n, j), column k goes to row j·s + rh, column k·s + rw.
  const n = dy.shape[0]!;
  const split = call(tf.Reshape, { x: phases }, { shape: [n * jh, jw, s, s * inChannels] });
  const moved = call(tf.Transpose, { x: split }, { perm: [0, 2, 1, 3] }); // [N·jh, s, jw, s·Cin]
  const dx = call(tf.Reshape, { x: moved }, { shape: [n, jh * s, jw * s, inChannels] });
  if (jh * s === inHeight && jw * s === inWidth) return dx;
  return call(tf.Slice, { x: dx }, { begin: [0, 0, 0, 0], size: [n, inHeight, inWidth, inChannels] });
}

/**
 * Builds a `Conv2DBackpropInput` kernel (the input gradient of a convolution, also the transposed
 * convolution) that runs on the backend's own fast `Conv2D` (XNNPACK on WASM) instead of a naive loop.
 *
 * `dx[n,i,j,ci] = Σ dy[n,oh,ow,co] · W[kh,kw,ci,co]` over `i = oh·s + kh − padTop` (same for columns). With
 * equal strides s > 1 it is computed as one sub-pixel convolution (all s² output phases as channels, then
 * interleaved); otherwise as a stride-1 convolution of the zero-inserted `dy` by the flipped filter.
 *
 * @example
 * ```ts
 * tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
 * tf.registerKernel(makeConv2DBackpropInputKernel('wasm'));
 * ```
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
      const kb = backend as unknown as KernelBackend;
      return withScratch(backendName, kb, (call, write) =>
        info.strideHeight === info.strideWidth && info.strideHeight > 1
          ? subPixelConv(call, write, kb, dy, filter, info)
          : zeroInsertedConv(call, dy, filter, info),
      );
    },
  };
}
