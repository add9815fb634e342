import { describe, expect, it } from 'vitest';
import { MNIST_SIDE, rgbaToGray, toMnist } from '../src/digit-preprocess.js';

/** A w×h grey image with a filled rectangle of ones. */
function rect(w: number, h: number, [x0, y0, x1, y1]: [number, number, number, number]): Float32Array {
  const g = new Float32Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) g[y * w + x] = 1;
  return g;
}

describe('toMnist', () => {
  it('scales the ink to a 20-pixel box and centres its mass', () => {
    // A tall bar in the top-left corner of a 280×280 drawing.
    const img = toMnist(rect(280, 280, [10, 10, 60, 210]), 280, 280)!;
    expect(img.length).toBe(MNIST_SIDE * MNIST_SIDE);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    let rows = 0;
    for (let y = 0; y < MNIST_SIDE; y++) {
      let rowInk = false;
      for (let x = 0; x < MNIST_SIDE; x++) {
        const v = img[y * MNIST_SIDE + x]!;
        mass += v;
        cx += v * (x + 0.5);
        cy += v * (y + 0.5);
        if (v > 0.5) rowInk = true;
      }
      if (rowInk) rows++;
    }
    expect(rows).toBe(20);
    expect(Math.abs(cx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(mass).toBeCloseTo(20 * 5, 0);
  });
  it('returns null for an empty drawing and rejects a wrong size', () => {
    expect(toMnist(new Float32Array(100), 10, 10)).toBeNull();
    expect(() => toMnist(new Float32Array(10), 10, 10)).toThrow(/width × height/);
  });
});

describe('rgbaToGray', () => {
  it('averages RGB and weighs by alpha', () => {
    const g = rgbaToGray(new Uint8ClampedArray([255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 255]), 3, 1);
    expect(Array.from(g)).toEqual([1, 0, 0]);
  });
});
