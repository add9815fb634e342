import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  lrFindPlotSvg,
  minimum,
  numericGradient,
  type Suggestion,
  slide,
  steep,
  suggestLrs,
  valley,
} from '../src/index.js';

interface RefPoint {
  lr: number;
  loss: number;
  pointLr: number;
}
interface RefCase {
  name: string;
  lrs: number[];
  losses: number[];
  minimum: RefPoint;
  steep: RefPoint;
  valley: RefPoint;
  slide: RefPoint;
  slideLoose: RefPoint;
}
const reference: { cases: RefCase[] } = JSON.parse(
  readFileSync(new URL('./fixtures/suggestions-reference.json', import.meta.url), 'utf8'),
);

const expo = (n: number, start = 1e-7, end = 10) =>
  Array.from({ length: n }, (_, i) => start * (end / start) ** (i / n));

function expectPoint(s: Suggestion | null, ref: RefPoint) {
  expect(s).not.toBeNull();
  expect(s!.lr / ref.lr).toBeCloseTo(1, 12);
  expect(s!.pointLr / ref.pointLr).toBeCloseTo(1, 12);
  expect(s!.loss).toBeCloseTo(ref.loss, 12);
}

describe('suggestions against a numpy re-statement of fastai 2.4 (fixtures/suggestions-reference.py)', () => {
  expect(reference.cases.length).toBeGreaterThanOrEqual(4);
  for (const c of reference.cases) {
    it(c.name, () => {
      expectPoint(minimum(c.lrs, c.losses), c.minimum);
      expectPoint(steep(c.lrs, c.losses), c.steep);
      expectPoint(valley(c.lrs, c.losses), c.valley);
      expectPoint(slide(c.lrs, c.losses), c.slide);
      expectPoint(slide(c.lrs, c.losses, { lrDiff: 10, thresh: 0.05, adjustValue: 0.5 }), c.slideLoose);
    });
  }
});

describe('suggestion methods on hand-computed curves', () => {
  const lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1];
  it('minimum: a tenth of the lr of the lowest loss, marked at the minimum', () => {
    expect(minimum(lrs, [3, 2, 1, 1.5, 9])).toEqual({ lr: 1e-3, loss: 1, index: 2, pointLr: 1e-2 });
  });
  it('steep: start of the steepest forward difference against log lr', () => {
    // differences: −0.1, −0.5, +0.2, +5 → steepest between index 1 and 2
    expect(steep(lrs, [1, 0.9, 0.4, 0.6, 5.6])).toEqual({ lr: 1e-3, loss: 0.9, index: 1, pointLr: 1e-3 });
    // with a non-uniform lr grid the log spacing matters: a drop of 1 over ln(1000) is less steep than 0.5 over ln(2)
    const g = steep([1e-3, 1, 2, 4], [3, 2, 1.5, 1.4]);
    expect(g!.index).toBe(1);
  });
  it('valley: about halfway down the longest decreasing run', () => {
    // strictly decreasing from index 0 to 9, then up: lds[9] = 10, fastai's start is 9 − 10 = −1,
    // sections = 10/3, idx = −1 + 3 + 1 = 3
    const losses = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 5, 9];
    const xs = expo(losses.length);
    expect(valley(xs, losses)!.index).toBe(3);
    // a bump first: valley from index 3 (value 8) to 8 (value 1)
    const bumpy = [5, 6, 7, 8, 4, 3, 2, 1.5, 1, 6];
    // lds: [1,1,1,1,2,3,4,5,6,1]: end 8 with lds 6 → start 2, sections 2, idx = 2 + 2 + 1 = 5
    expect(valley(expo(bumpy.length), bumpy)!.index).toBe(5);
  });
  it('slide: the left end of the first interval (from the right) whose end gradients agree', () => {
    const n = 40;
    const xs = expo(n);
    // flat at 1 up to index 19, then rising by 0.1 per point: gradients 0 on the left, 0.1 on the right
    const ys = Array.from({ length: n }, (_, i) => (i < 20 ? 1 : 1 + 0.1 * (i - 19)));
    const g = numericGradient(ys);
    expect(g[0]).toBe(0);
    expect(g[19]).toBeCloseTo(0.05, 12);
    expect(g[39]).toBeCloseTo(0.1, 12);
    // with lrDiff 5 the interval [l, l+5] has equal-ish ends once both are on the slope: l = 20 … the
    // loop stops at the first (from the right) interval whose ends agree: r = 39, l = 34 agree at once
    expect(slide(xs, ys, { lrDiff: 5 })!.index).toBe(34);
    // with lrDiff 25 the right end is on the slope and the left on the flat until l < 0 → index 0
    expect(slide(xs, ys, { lrDiff: 25 })!.index).toBe(0);
    // interpolated loss at the suggestion (on the log-lr axis)
    const s = slide(xs, ys, { lrDiff: 5, adjustValue: 1 })!;
    expect(s.loss).toBeCloseTo(ys[34]!, 12);
  });
  it('returns null when a curve is too short, checks lengths', () => {
    expect(steep([1], [1])).toBeNull();
    expect(slide([1], [1])).toBeNull();
    expect(minimum([], [])).toBeNull();
    expect(valley([], [])).toBeNull();
    expect(valley([1], [2])).toEqual({ lr: 1, loss: 2, index: 0, pointLr: 1 });
    expect(() => steep([1, 2], [1])).toThrow(/same length/);
    expect(() => numericGradient([1])).toThrow(/at least 2/);
    expect(() => slide([1, 2, 3], [1, 2, 3], { thresh: -1 })).toThrow(/thresh/);
  });
});

describe('suggestLrs', () => {
  it('uses the window [skipStart, n − skipEnd) and cuts at the first NaN; indices refer to the full curve', () => {
    const n = 50;
    const xs = expo(n);
    const ys = xs.map((lr) => (Math.log10(lr) + 3) ** 2 + 1); // minimum near lr = 1e-3
    ys[0] = 100; // a spike at the start
    const s = suggestLrs(xs, ys, { skipStart: 5, skipEnd: 5 });
    const win = ys.slice(5, 45);
    expect(s.minimum!.index).toBe(5 + win.indexOf(Math.min(...win)));
    expect(s.minimum!.loss).toBe(Math.min(...win));
    // the spike at index 0 is outside the window: steep is not at the spike
    expect(s.steep!.index).toBeGreaterThanOrEqual(5);
    const withNaN = [...ys];
    withNaN[30] = Number.NaN;
    const t = suggestLrs(xs, withNaN, { skipStart: 5, skipEnd: 0 });
    for (const k of ['steep', 'minimum', 'valley', 'slide'] as const) expect(t[k]!.index).toBeLessThan(30);
    // default window: ⌊n/10⌋ and 5
    expect(suggestLrs(xs, ys).minimum!.index).toBe(s.minimum!.index);
    const none = suggestLrs(xs.slice(0, 5), ys.slice(0, 5));
    expect(none).toEqual({ steep: null, minimum: null, valley: null, slide: null });
    const one = suggestLrs(xs.slice(0, 6), ys.slice(0, 6));
    expect(one.steep).toBeNull();
    expect(one.slide).toBeNull();
    expect(one.minimum!.index).toBe(0);
    expect(() => suggestLrs(xs, ys, { skipStart: -1 })).toThrow(/skipStart/);
  });
});

describe('lrFindPlotSvg', () => {
  it('draws the loss on a log lr axis with the suggestions marked', () => {
    const c = reference.cases[0]!;
    const suggestions = suggestLrs(c.lrs, c.losses, { skipStart: 0, skipEnd: 0 });
    const svg = lrFindPlotSvg({ lrs: c.lrs, losses: c.losses, suggestions }, { skipEnd: 0 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    for (const k of ['valley', 'slide', 'steep', 'minimum']) expect(svg).toContain(`>${k} `);
    expect(svg).toMatch(/>10\^-?\d|1e-\d|>1e/); // log-axis tick labels
    const only = lrFindPlotSvg({ lrs: c.lrs, losses: c.losses, suggestions }, { suggestions: ['valley'] });
    expect(only.match(/<circle/g)).toHaveLength(1);
    expect(() => lrFindPlotSvg({ lrs: [], losses: [] })).toThrow(/empty/);
    expect(() => lrFindPlotSvg({ lrs: [1, 2], losses: [1, 2] }, { skipStart: 2 })).toThrow(/skipStart/);
    // a short curve is still drawn
    expect(lrFindPlotSvg({ lrs: [1e-3, 1e-2], losses: [1, 2] })).toContain('<path');
  });
});
