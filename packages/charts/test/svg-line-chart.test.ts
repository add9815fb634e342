import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../src/index.js';

function count(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

describe('lineChartSvg', () => {
  it('draws one panel with axes, round ticks and labels', () => {
    const svg = lineChartSvg({
      title: 'lr',
      xLabel: 'iteration',
      yLabel: 'learning rate',
      series: [{ y: [0, 0.02, 0.05] }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="420" height="300"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>iteration</text>');
    expect(svg).toContain('rotate(-90)" text-anchor="middle" fill="#222">learning rate</text>');
    expect(svg).toContain('font-weight="bold" fill="#222">lr</text>');
    // y from 0 to 0.05 gets ticks 0, 0.01 … 0.05; x from 0 to 2 gets 0, 0.5 … 2
    for (const tick of ['>0<', '>0.01<', '>0.05<', '>2<']) expect(svg).toContain(tick);
    expect(count(svg, /<path /g)).toBe(1);
    expect(svg).toMatch(/<path d="M0 \d+(\.\d+)?L/);
  });

  it('places panels side by side, one legend entry per named series, dashed lines', () => {
    const svg = lineChartSvg(
      [
        {
          series: [
            { label: 'group 0', y: [1, 2, 3] },
            { label: 'group 1', y: [3, 2, 1], dashed: true },
          ],
        },
        { series: [{ y: [0.95, 0.85, 0.95] }] },
      ],
      { panelWidth: 300, height: 200, title: 'Schedule' },
    );
    expect(svg).toContain('width="600" height="226.4"');
    expect(svg).toContain('transform="translate(364,');
    expect(svg).toContain('>group 0</text>');
    expect(svg).toContain('>group 1</text>');
    expect(count(svg, /<path /g)).toBe(3);
    expect(count(svg, /stroke-dasharray/g)).toBe(2); // the line and its legend swatch
    expect(svg).toContain('>Schedule</text>');
  });

  it('log axes: powers of ten, points ≤ 0 and NaN break the line', () => {
    const svg = lineChartSvg({
      xScale: 'log',
      yScale: 'log',
      series: [{ x: [1e-6, 1e-4, 1e-2, 1, 2], y: [1, Number.NaN, 10, 0, 100] }],
    });
    for (const tick of ['>1e-6<', '>1e-4<', '>1e-2<', '>1e0<']) expect(svg).toContain(tick);
    const d = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect(count(d, /M/g)).toBe(3); // three separate runs
    expect(count(d, /L/g)).toBe(0);
  });

  it('markers with escaped labels; markers outside the domain are skipped', () => {
    const svg = lineChartSvg({
      xDomain: [0, 10],
      yDomain: [0, 1],
      series: [{ y: [0.1, 0.5] }],
      markers: [
        { x: 1, y: 0.5, label: 'min <grad> & "x"' },
        { x: 20, y: 0.5, label: 'outside' },
      ],
    });
    expect(count(svg, /<circle /g)).toBe(1);
    expect(svg).toContain('min &#60;grad&#62; &#38; &#34;x&#34;');
    expect(svg).not.toContain('outside');
  });

  it('keeps clip-path ids apart with idPrefix, handles empty data and bad options', () => {
    expect(lineChartSvg({ series: [] }, { idPrefix: 'lrfind' })).toContain('id="lrfind-clip-0"');
    expect(lineChartSvg({ series: [{ y: [Number.NaN] }] })).toContain('>1<');
    expect(() => lineChartSvg([])).toThrow(
      new RangeError('lineChartSvg: panels must hold at least one panel (got none)'),
    );
    expect(() => lineChartSvg({ series: [] }, { height: 0 })).toThrow(
      'lineChartSvg: options.height must be a positive number (got 0)',
    );
  });
});
