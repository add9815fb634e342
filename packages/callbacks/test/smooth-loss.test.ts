import { describe, expect, it } from 'vitest';
import { SmoothLoss } from '../src/index.js';

describe('SmoothLoss', () => {
  it('is the bias-corrected EMA', () => {
    const s = new SmoothLoss(0.98);
    expect(s.value).toBeNaN();
    const xs = [2, 1, 4, 0.5, 3];
    let avg = 0;
    xs.forEach((x, i) => {
      avg = 0.98 * avg + 0.02 * x;
      expect(s.add(x)).toBeCloseTo(avg / (1 - 0.98 ** (i + 1)), 12);
    });
    expect(s.count).toBe(5);
    // the first value is the loss itself
    expect(new SmoothLoss().add(7)).toBeCloseTo(7, 12);
    // a weighted mean of the losses: between min and max
    expect(s.value).toBeGreaterThan(0.5);
    expect(s.value).toBeLessThan(4);
  });
  it('resets, stays NaN after a NaN, validates beta', () => {
    const s = new SmoothLoss(0.5);
    s.add(1);
    s.add(Number.NaN);
    expect(s.value).toBeNaN();
    s.add(1);
    expect(s.value).toBeNaN();
    s.reset();
    expect(s.count).toBe(0);
    expect(s.add(3)).toBe(3);
    expect(() => new SmoothLoss(1)).toThrow(RangeError);
    expect(() => new SmoothLoss(-0.1)).toThrow(/beta/);
  });
});
