import { describe, expect, it } from 'vitest';
import { LiveSeries, lossRange, lrFinderColumns, StepSeries, sampleSchedule } from '../src/chart-data.js';

describe('sampleSchedule', () => {
  it('samples both ends and evenly spaced steps in between', () => {
    const [steps, lrs, moms] = sampleSchedule((s) => ({ lr: s / 10, mom: 0.9 - s / 100 }), 10, 3);
    expect(steps).toEqual([0, 5, 10]);
    expect(lrs).toEqual([0, 0.5, 1]);
    expect(moms[2]).toBeCloseTo(0.8);
  });
  it('takes every step when there are fewer steps than points, and the head group of per-group lrs', () => {
    const [steps, lrs] = sampleSchedule((s) => ({ lr: [s / 100, s], mom: 0.9 }), 4, 400);
    expect(steps).toEqual([0, 1, 2, 3, 4]);
    expect(lrs).toEqual([0, 1, 2, 3, 4]);
  });
  it('rejects a bad number of steps', () => {
    expect(() => sampleSchedule(() => ({ lr: 1, mom: 0 }), 0)).toThrow(/totalSteps/);
  });
});

describe('lrFinderColumns', () => {
  it('skips the requested ends, drops non-positive lrs and turns bad losses into gaps', () => {
    const cols = lrFinderColumns([0, 1e-5, 1e-4, 1e-3, 1e-2], [9, 0.7, Number.NaN, 0.4, 3], 0, 1);
    expect(cols).toEqual([
      [1e-5, 1e-4, 1e-3],
      [0.7, null, 0.4],
    ]);
  });
  it('rejects arrays of different lengths', () => {
    expect(() => lrFinderColumns([1], [1, 2])).toThrow(/same length/);
  });
});

describe('lossRange', () => {
  it('caps the range at 1.5 × the first loss so an exploding end does not flatten the curve', () => {
    const [lo, hi] = lossRange([0.7, 0.5, 0.3, 40])!;
    expect(lo).toBeLessThan(0.3);
    expect(hi).toBeGreaterThan(1.05);
    expect(hi).toBeLessThan(1.2);
  });
  it('is null without a finite loss', () => {
    expect(lossRange([null, Number.NaN])).toBeNull();
  });
});

describe('LiveSeries and StepSeries', () => {
  it('LiveSeries appends points and copies its columns', () => {
    const s = new LiveSeries(2);
    s.push(1, [0.5, Number.POSITIVE_INFINITY]);
    const cols = s.columns();
    s.push(2, [0.4, 0.1]);
    expect(cols).toEqual([[1], [0.5], [null]]);
    expect(s.length).toBe(2);
    expect(() => s.push(3, [1])).toThrow(/2 numbers/);
  });
  it('StepSeries fills by step in any order', () => {
    const s = new StepSeries(3, 2);
    s.set(1, 2, 0.25);
    s.set(0, 0, 1);
    expect(s.columns()).toEqual([
      [0, 1, 2],
      [1, null, null],
      [null, null, 0.25],
    ]);
    expect(() => s.set(0, 3, 1)).toThrow(/step/);
    expect(() => s.set(2, 0, 1)).toThrow(/series/);
  });
});
