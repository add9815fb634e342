/**
 * A geometric augmentation: for each image it draws a 2×3 matrix mapping output pixel coordinates
 * (centred on the image) to source coordinates. Matrices of one image are composed and applied in a
 * single bilinear resampling.
 *
 * @example
 * ```ts
 * const shift: AffineTransform = { kind: 'affine', name: 'shift', p: 1,
 *   sample: () => [1, 0, -2, 0, 1, 0] }; // moves the content 2 px right
 * ```
 */
export interface AffineTransform {
  readonly kind: 'affine';
  /** Name, for messages. */
  readonly name: string;
  /** Probability of applying it to an image. */
  readonly p: number;
  /** Draws `[a, b, c, d, e, f]`: `sx = a·x + b·y + c`, `sy = d·x + e·y + f` (centred pixel units). */
  sample(rand: () => number, height: number, width: number): Affine;
}

/**
 * A pixel-value augmentation applied in place to one image (HWC float32, values in [0, 1]).
 *
 * @example
 * ```ts
 * const invert: PixelTransform = { kind: 'pixel', name: 'invert', p: 0.5,
 *   apply: (img) => { for (let i = 0; i < img.length; i++) img[i] = 1 - img[i]!; } };
 * ```
 */
export interface PixelTransform {
  readonly kind: 'pixel';
  /** Name, for messages. */
  readonly name: string;
  /** Probability of applying it to an image. */
  readonly p: number;
  /** Changes the image in place. */
  apply(image: Float32Array, height: number, width: number, channels: number, rand: () => number): void;
}

/**
 * Any augmentation usable in `tfms`.
 *
 * @example
 * ```ts
 * const tfms: ImageTransform[] = [flipLr(), rotate({ degrees: 10 })];
 * ```
 */
export type ImageTransform = AffineTransform | PixelTransform;

/**
 * A 2×3 affine matrix `[a, b, c, d, e, f]` in centred pixel coordinates.
 *
 * @example
 * ```ts
 * const identity: Affine = [1, 0, 0, 0, 1, 0];
 * ```
 */
export type Affine = [number, number, number, number, number, number];

/**
 * How pixels sampled outside the image are filled: `'reflection'` (fastai's default), `'zeros'` or
 * `'border'` (nearest edge pixel).
 *
 * @example
 * ```ts
 * const mode: PaddingMode = 'zeros';
 * ```
 */
export type PaddingMode = 'reflection' | 'zeros' | 'border';

function checkP(p: number, name: string): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p must be in [0, 1], got ${p}`);
  return p;
}

function checkRange(range: readonly [number, number], name: string, param: string, min: number): void {
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi && lo >= min)) {
    throw new RangeError(`${name}: ${param} must be [lo, hi] with ${min} ≤ lo ≤ hi, got [${lo}, ${hi}]`);
  }
}

/**
 * Random horizontal flip (fastai's `flip_lr`).
 *
 * @example
 * ```ts
 * ImageDataBunch.fromFolder(path, { tfms: [flipLr({ p: 0.5 })] });
 * ```
 */
export function flipLr({ p = 0.5 }: { p?: number } = {}): AffineTransform {
  checkP(p, 'flipLr');
  return { kind: 'affine', name: 'flipLr', p, sample: () => [-1, 0, 0, 0, 1, 0] };
}

/**
 * Random vertical flip.
 *
 * @example
 * ```ts
 * const tfms = [flipVert({ p: 0.5 })];
 * ```
 */
export function flipVert({ p = 0.5 }: { p?: number } = {}): AffineTransform {
  checkP(p, 'flipVert');
  return { kind: 'affine', name: 'flipVert', p, sample: () => [1, 0, 0, 0, -1, 0] };
}

/**
 * Random rotation by an angle drawn uniformly from `[-degrees, degrees]` about the image centre.
 *
 * @example
 * ```ts
 * const tfms = [rotate({ degrees: 10, p: 0.75 })];
 * ```
 */
export function rotate({ degrees = 10, p = 0.75 }: { degrees?: number; p?: number } = {}): AffineTransform {
  checkP(p, 'rotate');
  if (!(degrees >= 0 && degrees <= 180))
    throw new RangeError(`rotate: degrees must be in [0, 180], got ${degrees}`);
  return {
    kind: 'affine',
    name: 'rotate',
    p,
    sample: (rand) => {
      const t = ((rand() * 2 - 1) * degrees * Math.PI) / 180;
      const c = Math.cos(t);
      const s = Math.sin(t);
      return [c, s, 0, -s, c, 0];
    },
  };
}

/**
 * Random zoom about a random centre: scale drawn from `scale` (1 = none, 1.1 = 10% in).
 * Like fastai's `zoom`, the centre moves within the part of the image that stays visible.
 *
 * @example
 * ```ts
 * const tfms = [zoom({ scale: [1, 1.1] })];
 * ```
 */
export function zoom({
  scale = [1, 1.1],
  p = 0.75,
}: {
  scale?: readonly [number, number];
  p?: number;
} = {}): AffineTransform {
  checkP(p, 'zoom');
  checkRange(scale, 'zoom', 'scale', 0.01);
  return {
    kind: 'affine',
    name: 'zoom',
    p,
    sample: (rand, h, w) => {
      const z = scale[0] + rand() * (scale[1] - scale[0]);
      const inv = 1 / z;
      const free = Math.max(0, 1 - inv); // fraction of the image that may shift
      const cx = (rand() - 0.5) * free * (w - 1);
      const cy = (rand() - 0.5) * free * (h - 1);
      return [inv, 0, cx, 0, inv, cy];
    },
  };
}

/**
 * Random crop after padding (fastai's `crop_pad` with a random position): the image is padded by
 * `padding` pixels on every side (filled by the loader's padding mode) and a window of the original
 * size is cut at a random integer offset.
 *
 * @example
 * ```ts
 * const tfms = [cropPad({ padding: 2 })];
 * ```
 */
export function cropPad({ padding = 4, p = 1 }: { padding?: number; p?: number } = {}): AffineTransform {
  checkP(p, 'cropPad');
  if (!(Number.isInteger(padding) && padding >= 0)) {
    throw new RangeError(`cropPad: padding must be a non-negative integer, got ${padding}`);
  }
  return {
    kind: 'affine',
    name: 'cropPad',
    p,
    sample: (rand) => {
      const dx = Math.floor(rand() * (2 * padding + 1)) - padding;
      const dy = Math.floor(rand() * (2 * padding + 1)) - padding;
      return [1, 0, dx, 0, 1, dy];
    },
  };
}

/**
 * Random brightness and contrast changes (fastai's lighting transforms): brightness shift in
 * `[-maxLighting/2, maxLighting/2]`, contrast factor in `[1 - maxLighting, 1/(1 - maxLighting)]`;
 * values are clipped to [0, 1].
 *
 * @example
 * ```ts
 * const tfms = [lighting({ maxLighting: 0.2 })];
 * ```
 */
export function lighting({
  maxLighting = 0.2,
  p = 0.75,
}: {
  maxLighting?: number;
  p?: number;
} = {}): PixelTransform {
  checkP(p, 'lighting');
  if (!(maxLighting >= 0 && maxLighting < 1)) {
    throw new RangeError(`lighting: maxLighting must be in [0, 1), got ${maxLighting}`);
  }
  return {
    kind: 'pixel',
    name: 'lighting',
    p,
    apply: (img, _h, _w, _c, rand) => {
      const shift = (rand() - 0.5) * maxLighting;
      const lo = Math.log(1 - maxLighting);
      const contrast = Math.exp(lo + rand() * -2 * lo);
      for (let i = 0; i < img.length; i++) {
        const v = (img[i]! - 0.5) * contrast + 0.5 + shift;
        img[i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    },
  };
}

/**
 * fastai's `get_transforms()` defaults as a list: horizontal flip, rotation up to `maxRotate`
 * degrees, zoom up to `maxZoom` and lighting up to `maxLighting`. Set any to 0/false to leave it out.
 * (For digits, use `doFlip: false`: a flipped 3 is not a 3.)
 *
 * @example
 * ```ts
 * const data = await ImageDataBunch.fromFolder(path, { tfms: getTransforms({ doFlip: false }) });
 * ```
 */
export function getTransforms({
  doFlip = true,
  flipVertical = false,
  maxRotate = 10,
  maxZoom = 1.1,
  maxLighting = 0.2,
  pAffine = 0.75,
  pLighting = 0.75,
}: {
  doFlip?: boolean;
  flipVertical?: boolean;
  maxRotate?: number;
  maxZoom?: number;
  maxLighting?: number;
  pAffine?: number;
  pLighting?: number;
} = {}): ImageTransform[] {
  const out: ImageTransform[] = [];
  if (doFlip) out.push(flipLr({ p: 0.5 }));
  if (doFlip && flipVertical) out.push(flipVert({ p: 0.5 }));
  if (maxRotate > 0) out.push(rotate({ degrees: maxRotate, p: pAffine }));
  if (maxZoom > 1) out.push(zoom({ scale: [1, maxZoom], p: pAffine }));
  if (maxLighting > 0) out.push(lighting({ maxLighting, p: pLighting }));
  return out;
}

function compose(m: Affine, n: Affine): Affine {
  // (m ∘ n)(v) = m(n(v)): apply n to the output coordinate first, then m.
  return [
    m[0] * n[0] + m[1] * n[3],
    m[0] * n[1] + m[1] * n[4],
    m[0] * n[2] + m[1] * n[5] + m[2],
    m[3] * n[0] + m[4] * n[3],
    m[3] * n[1] + m[4] * n[4],
    m[3] * n[2] + m[4] * n[5] + m[5],
  ];
}

function reflect(v: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  let r = v % period;
  if (r < 0) r += period;
  return r > size - 1 ? period - r : r;
}

/**
 * Applies a list of transforms to one image (HWC float32, in place): draws which transforms fire,
 * composes the affine ones into one bilinear resampling, then runs the pixel ones.
 * Returns the names of the transforms applied.
 *
 * @example
 * ```ts
 * const img = new Float32Array(28 * 28 * 3);
 * applyTransforms(img, 28, 28, 3, [flipLr({ p: 1 })], seededRandom(1), 'reflection', new Float32Array(img.length));
 * ```
 */
export function applyTransforms(
  image: Float32Array,
  height: number,
  width: number,
  channels: number,
  tfms: readonly ImageTransform[],
  rand: () => number,
  padding: PaddingMode,
  scratch: Float32Array,
): string[] {
  let m: Affine | null = null;
  const applied: string[] = [];
  const pixel: PixelTransform[] = [];
  for (const t of tfms) {
    if (rand() >= t.p) continue;
    applied.push(t.name);
    if (t.kind === 'affine') {
      const n = t.sample(rand, height, width);
      m = m ? compose(m, n) : n;
    } else {
      pixel.push(t);
    }
  }
  if (m) warpAffine(image, height, width, channels, m, padding, scratch);
  for (const t of pixel) t.apply(image, height, width, channels, rand);
  return applied;
}

/**
 * Resamples an image (HWC float32, in place) through an affine matrix in centred pixel
 * coordinates with bilinear interpolation; `scratch` must hold at least one image.
 *
 * @example
 * ```ts
 * warpAffine(img, 28, 28, 3, [-1, 0, 0, 0, 1, 0], 'zeros', new Float32Array(img.length)); // mirror
 * ```
 */
export function warpAffine(
  image: Float32Array,
  height: number,
  width: number,
  channels: number,
  m: Affine,
  padding: PaddingMode,
  scratch: Float32Array,
): void {
  const size = height * width * channels;
  if (scratch.length < size)
    throw new RangeError(`warpAffine: scratch needs ${size} values, has ${scratch.length}`);
  scratch.set(image.subarray(0, size));
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const [a, b, c, d, e, f] = m;
  for (let y = 0; y < height; y++) {
    const yc = y - cy;
    for (let x = 0; x < width; x++) {
      const xc = x - cx;
      let sx = a * xc + b * yc + c + cx;
      let sy = d * xc + e * yc + f + cy;
      const out = (y * width + x) * channels;
      if (padding === 'reflection') {
        sx = reflect(sx, width);
        sy = reflect(sy, height);
      } else if (padding === 'border') {
        sx = sx < 0 ? 0 : sx > width - 1 ? width - 1 : sx;
        sy = sy < 0 ? 0 : sy > height - 1 ? height - 1 : sy;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < channels; ch++) {
        let v = 0;
        for (let j = 0; j < 2; j++) {
          const yy = y0 + j;
          const wy = j === 0 ? 1 - fy : fy;
          if (wy === 0 || yy < 0 || yy >= height) continue;
          for (let i = 0; i < 2; i++) {
            const xx = x0 + i;
            const wx = i === 0 ? 1 - fx : fx;
            if (wx === 0 || xx < 0 || xx >= width) continue;
            v += wx * wy * scratch[(yy * width + xx) * channels + ch]!;
          }
        }
        image[out + ch] = v;
      }
    }
  }
}
