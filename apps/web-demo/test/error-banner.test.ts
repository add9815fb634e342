import { describe, expect, it } from 'vitest';
import { describeError } from '../src/error-banner.js';

describe('describeError', () => {
  it('turns memory errors into advice', () => {
    expect(describeError(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'))).toMatch(
      /^Out of memory: .*smaller batch size/,
    );
    expect(describeError(new Error('Array buffer allocation failed'))).toMatch(/^Out of memory/);
  });
  it('points a NaN loss to the learning rate', () => {
    expect(describeError(new Error('the training loss became NaN at batch 3 (lr 1.00e+0)'))).toMatch(
      /smaller lrMax/,
    );
  });
  it('passes other errors through, including non-Error values', () => {
    expect(describeError(new Error('WebAssembly is not supported'))).toBe('WebAssembly is not supported');
    expect(describeError('plain')).toBe('plain');
  });
});
