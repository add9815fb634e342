import { describe, expect, it } from 'vitest';
import { parseOneCycleForm, readDemoSettings, roundLr } from '../src/settings.js';

const form = {
  lrMax: '1e-2',
  epochs: '2',
  pctStart: '0.25',
  divFactor: '25',
  moms: '0.95, 0.85',
  variant: 'fastai',
};

describe('readDemoSettings', () => {
  it('uses the whole training set by default and a labelled subset in test mode', () => {
    expect(readDemoSettings('')).toMatchObject({ testMode: false, trainSubset: null, lrFindIterations: 100 });
    expect(readDemoSettings('?e2e=1')).toMatchObject({
      testMode: true,
      trainSubset: 2000,
      lrFindIterations: 40,
      epochs: 3,
    });
    expect(readDemoSettings('?e2e=1&train=500&bs=32').trainSubset).toBe(500);
  });
  it('names the bad query parameter', () => {
    expect(() => readDemoSettings('?bs=0')).toThrow(/'bs'/);
    expect(() => readDemoSettings('?train=1.5')).toThrow(/'train'/);
  });
});

describe('parseOneCycleForm', () => {
  it('parses valid inputs', () => {
    const r = parseOneCycleForm(form);
    expect(r).toEqual({
      ok: true,
      value: { lrMax: 0.01, epochs: 2, pctStart: 0.25, divFactor: 25, moms: [0.95, 0.85], variant: 'fastai' },
    });
  });
  it('reports every bad field', () => {
    const r = parseOneCycleForm({ ...form, lrMax: '-1', pctStart: '1', moms: '0.9', variant: 'torch' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['lrMax', 'moms', 'pctStart', 'variant']);
  });
});

describe('roundLr', () => {
  it('keeps two significant digits', () => {
    expect(roundLr(0.0123456)).toBe(0.012);
    expect(roundLr(3.456e-5)).toBe(3.5e-5);
    expect(() => roundLr(0)).toThrow(RangeError);
  });
});
