/**
 * Turns a drawing into an MNIST-like 28×28 image: MNIST digits are white on black, scaled so that
 * their bounding box fits 20×20 pixels, and placed so that their centre of mass is at the centre.
 */

/**
 * Side of the images the model was trained on.
 *
 * @example
 * ```ts
 * tf.tensor4d(image, [1, MNIST_SIDE, MNIST_SIDE, 1]);
 * ```
 */
export const MNIST_SIDE = 28;
/** Side of the box the digit is scaled into. */
const DIGIT_BOX = 20;

/**
 * Grey levels in [0, 1] of an RGBA image (a canvas's ImageData) drawn white on black: the mean of
 * R, G and B times alpha.
 *
 * @example
 * ```ts
 * const gray = rgbaToGray(ctx.getImageData(0, 0, 280, 280).data, 280, 280);
 * ```
 */
export function rgbaToGray(rgba: Uint8ClampedArray, width: number, height: number): Float32Array {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(
      `rgba must hold width × height × 4 = ${width * height * 4} bytes, got ${rgba.length}`,
    );
  }
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const o = i * 4;
    gray[i] = ((rgba[o]! + rgba[o + 1]! + rgba[o + 2]!) / (3 * 255)) * (rgba[o + 3]! / 255);
  }
  return gray;
}

/**
 * Scales a grey image (values in [0, 1], white digit on black) to a 28×28 MNIST-style image:
 * crops to the ink's bounding box, scales it (area averaging) so its longer side is 20 pixels and
 * centres its centre of mass. Returns null when nothing is drawn (no pixel above `threshold`).
 *
 * @example
 * ```ts
 * const img = toMnist(rgbaToGray(ctx.getImageData(0, 0, 280, 280).data, 280, 280), 280, 280);
 * if (img) model.predict(tf.tensor4d(img, [1, 28, 28, 1]));
 * ```
 */
export function toMnist(
  gray: Float32Array,
  width: number,
  height: number,
  threshold = 0.1,
): Float32Array | null {
  if (gray.length !== width * height) {
    throw new RangeError(`gray must hold width × height = ${width * height} values, got ${gray.length}`);
  }
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const scale = DIGIT_BOX / Math.max(boxW, boxH);
  const outW = Math.max(1, Math.round(boxW * scale));
  const outH = Math.max(1, Math.round(boxH * scale));
  const small = areaResize(gray, width, [x0, y0, boxW, boxH], outW, outH);

  // Centre of mass of the scaled digit, then shift it to the middle of the 28×28 image.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = small[y * outW + x]!;
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const offX = Math.round(MNIST_SIDE / 2 - cx / mass);
  const offY = Math.round(MNIST_SIDE / 2 - cy / mass);
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < outH; y++) {
    const ty = y + offY;
    if (ty < 0 || ty >= MNIST_SIDE) continue;
    for (let x = 0; x < outW; x++) {
      const tx = x + offX;
      if (tx < 0 || tx >= MNIST_SIDE) continue;
      out[ty * MNIST_SIDE + tx] = Math.min(1, small[y * outW + x]!);
    }
  }
  return out;
}

/** Area-averaging resize of the rectangle `[x0, y0, w, h]` of a grey image to `outW × outH`. */
function areaResize(
  gray: Float32Array,
  width: number,
  [x0, y0, w, h]: [number, number, number, number],
  outW: number,
  outH: number,
): Float32Array {
  const out = new Float32Array(outW * outH);
  const sx = w / outW;
  const sy = h / outH;
  for (let oy = 0; oy < outH; oy++) {
    const top = oy * sy;
    const bottom = top + sy;
    for (let ox = 0; ox < outW; ox++) {
      const left = ox * sx;
      const right = left + sx;
      let sum = 0;
      for (let y = Math.floor(top); y < Math.ceil(bottom); y++) {
        const wy = Math.min(bottom, y + 1) - Math.max(top, y);
        if (wy <= 0) continue;
        for (let x = Math.floor(left); x < Math.ceil(right); x++) {
          const wx = Math.min(right, x + 1) - Math.max(left, x);
          if (wx <= 0) continue;
          sum += wx * wy * gray[(y0 + y) * width + x0 + x]!;
        }
      }
      out[oy * outW + ox] = sum / (sx * sy);
    }
  }
  return out;
}
