import { anneal, annealCos, hyperparams, sgdr } from '@onecycle/annealing';
import { oneCycle, torchOneCycle } from '@onecycle/one-cycle';
import { describe, expect, it } from 'vitest';
import { scheduleSvg } from '../src/index.js';

describe('scheduleSvg', () => {
  it('plots lr (left) and momentum (right) with axes and labels', () => {
    const svg = scheduleSvg(oneCycle({ lrMax: 5e-2, totalSteps: 386 }), { title: '1cycle' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>learning rate</text>');
    expect(svg).toContain('>momentum</text>');
    expect(svg).toContain('>iteration</text>');
    expect(svg).toContain('>1cycle</text>');
    expect(svg).toContain('>0.05</text>'); // lr tick at the peak
    expect(svg).toContain('>0.96</text>'); // momentum axis, rounded out from 0.95
    expect((svg.match(/<path /g) ?? []).length).toBe(2);
    expect(svg).toContain('id="schedule-clip-0"');
  });

  it('one line per parameter group with a legend; no momentum panel without momentum', () => {
    const svg = scheduleSvg(torchOneCycle({ maxLr: [1e-3, 1e-2], totalSteps: 50, cycleMomentum: false }), {
      groupNames: ['body', 'head'],
    });
    expect((svg.match(/<path /g) ?? []).length).toBe(2);
    expect(svg).toContain('>body</text>');
    expect(svg).toContain('>head</text>');
    expect(svg).not.toContain('>momentum</text>');
  });

  it('samples long schedules to maxPoints and supports a log lr axis', () => {
    const svg = scheduleSvg(oneCycle({ lrMax: 1, totalSteps: 100_000 }), { maxPoints: 200, logLr: true });
    const d = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect((d.match(/[ML]/g) ?? []).length).toBe(200);
    expect(svg).toContain('>1e-6</text>');
    expect(() => scheduleSvg(oneCycle({ lrMax: 1, totalSteps: 10 }), { maxPoints: 1 })).toThrow(
      new RangeError('scheduleSvg: maxPoints must be an integer ≥ 2 (got 1)'),
    );
  });

  it('draws any schedule: numbers as a learning rate, records one panel per hyperparameter', () => {
    const lr = scheduleSvg(sgdr({ lrMax: 0.1, cycleSteps: 10, cycles: 3 }));
    expect(lr).toContain('>learning rate</text>');
    expect((lr.match(/<path /g) ?? []).length).toBe(1);
    const wd = scheduleSvg(hyperparams({ lr: anneal(1e-3, 0, 20, annealCos), wd: anneal(1e-2, 1e-4, 20) }));
    expect(wd).toContain('>weight decay</text>');
    expect(wd).not.toContain('>momentum</text>');
    expect((wd.match(/<path /g) ?? []).length).toBe(2);
  });
});
