import { describe, expect, it } from 'vitest';
import { kaimingNormal, Rng, resolveRng, torchDefaultWeight, uniformInit } from '../src/index.js';

describe('Rng', () => {
  it('is reproducible from its seed and differs between seeds (also fractional ones)', () => {
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(0.5)).not.toEqual(draw(0));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
    expect(() => new Rng(Number.NaN)).toThrow(/seed must be a finite number/);
  });

  it('draws uniforms in [0, 1) and standard normals with the right moments', () => {
    const r = new Rng(123);
    const n = 20000;
    const u = Array.from({ length: n }, () => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const mu = u.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mu - 0.5)).toBeLessThan(0.01);
    const z = Array.from({ length: n }, () => r.normal());
    const mz = z.reduce((s, v) => s + v, 0) / n;
    const vz = z.reduce((s, v) => s + (v - mz) ** 2, 0) / n;
    expect(Math.abs(mz)).toBeLessThan(0.03);
    expect(Math.abs(vz - 1)).toBeLessThan(0.04);
    expect(z.filter((v) => Math.abs(v) > 1.96).length / n).toBeCloseTo(0.05, 1.5);
  });

  it('fork() gives an independent reproducible stream; resolveRng prefers rng, then seed', () => {
    const a = new Rng(5).fork();
    const b = new Rng(5).fork();
    expect(a.uint32()).toBe(b.uint32());
    const shared = new Rng(9);
    expect(resolveRng({ rng: shared, seed: 1 })).toBe(shared);
    expect(resolveRng({ seed: 4 }).uint32()).toBe(new Rng(4).uint32());
    expect(resolveRng().uint32()).not.toBe(resolveRng().uint32());
  });
});

describe('initialisers', () => {
  it('kaimingNormal has std √(2/fanIn); uniform ones stay in their bounds', () => {
    const w = kaimingNormal(50000, 50, new Rng(1));
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std / Math.sqrt(2 / 50)).toBeGreaterThan(0.98);
    expect(std / Math.sqrt(2 / 50)).toBeLessThan(1.02);
    const t = torchDefaultWeight(10000, 25, new Rng(2));
    expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(0.2);
    expect(Math.max(...t.map(Math.abs))).toBeGreaterThan(0.199);
    expect(() => kaimingNormal(10, 0, new Rng(0))).toThrow(/fanIn must be an integer ≥ 1/);
    expect(() => uniformInit(-1, 1, new Rng(0))).toThrow(/size/);
    expect(() => uniformInit(1, Number.NaN, new Rng(0))).toThrow(/bound/);
  });
});
