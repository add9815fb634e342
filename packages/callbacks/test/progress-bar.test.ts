import { describe, expect, it } from 'vitest';
import { barText, ProgressBar } from '../src/index.js';

describe('ProgressBar', () => {
  it('draws in place on a terminal at most every minIntervalMs, always when forced', () => {
    let t = 0;
    const out: string[] = [];
    const bar = new ProgressBar({ write: (s) => out.push(s), isTTY: true, minIntervalMs: 100, now: () => t });
    bar.update((now) => `a${now}`);
    t = 50;
    bar.update((now) => `b${now}`);
    bar.update((now) => `c${now}`, true);
    t = 160;
    bar.update((now) => `d${now}`);
    bar.clear();
    bar.update(() => 'e');
    bar.end();
    bar.end();
    expect(out).toEqual(['\ra0', '\rc50', '\rd160', '\r\x1b[2K', '\re', '\n']);
  });

  it('writes nothing and reads no clock off a terminal', () => {
    const out: string[] = [];
    const bar = new ProgressBar({
      write: (s) => out.push(s),
      isTTY: false,
      now: () => {
        throw new Error('clock read');
      },
    });
    bar.update(() => 'x', true);
    bar.clear();
    bar.end();
    expect(out).toEqual([]);
  });

  it('barText fills its width in proportion, clamped to [0, 1]', () => {
    expect(barText(0.5, 10)).toBe('█████-----');
    expect(barText(0, 4)).toBe('----');
    expect(barText(2, 4)).toBe('████');
    expect(barText(Number.NaN, 3)).toBe('---');
  });
});
