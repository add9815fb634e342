import { describe, expect, it } from 'vitest';
import { decadeLabel, legendValue } from '../src/axis-format.js';

describe('decadeLabel', () => {
  it('labels powers of ten only', () => {
    expect([1e-7, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 1e4].map(decadeLabel)).toEqual([
      '1e-7',
      '1e-4',
      '0.001',
      '0.01',
      '0.1',
      '1',
      '10',
      '1e4',
    ]);
    expect([0.02, 3e-5, 0, -1].map(decadeLabel)).toEqual(['', '', '', '']);
  });
});

describe('legendValue', () => {
  it('keeps small learning rates readable', () => {
    expect(legendValue(0.000123)).toBe('1.23e-4');
    expect(legendValue(0.05234567)).toBe('0.05235');
    expect(legendValue(0)).toBe('0');
    expect(legendValue(null)).toBe('--');
    expect(legendValue(Number.NaN)).toBe('--');
  });
});
