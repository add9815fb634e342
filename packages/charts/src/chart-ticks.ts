// Internal: axis domains, tick positions and tick labels for lineChartSvg (d3-scale style).

/** The distance between linear ticks: 1, 2 or 5 times a power of ten, about `count` ticks. */
export function tickStep(start: number, stop: number, count: number): number {
  const raw = Math.abs(stop - start) / Math.max(1, count);
  let step = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / step;
  if (ratio >= Math.sqrt(50)) step *= 10;
  else if (ratio >= Math.sqrt(10)) step *= 5;
  else if (ratio >= Math.sqrt(2)) step *= 2;
  return step;
}

/** Removes floating-point noise such as 0.30000000000000004. */
function clean(value: number): number {
  return Number(value.toPrecision(12));
}

/** Extends a linear domain outwards to whole tick steps. */
export function niceLinearDomain(min: number, max: number, count: number): [number, number] {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  for (let i = 0; i < 2; i++) {
    const step = tickStep(min, max, count);
    min = clean(Math.floor(min / step) * step);
    max = clean(Math.ceil(max / step) * step);
  }
  return [min, max];
}

/** Tick values of a linear domain. */
export function linearTicks(min: number, max: number, count: number): number[] {
  const step = tickStep(min, max, count);
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) ticks.push(clean(i * step));
  return ticks;
}

/** Extends a positive domain to whole powers of ten. */
export function niceLogDomain(min: number, max: number): [number, number] {
  let lo = Math.floor(Math.log10(min) + 1e-12);
  let hi = Math.ceil(Math.log10(max) - 1e-12);
  if (hi <= lo) {
    lo -= 0;
    hi = lo + 1;
  }
  return [10 ** lo, 10 ** hi];
}

/** Tick values of a log domain: powers of ten, with 2× and 5× when it spans few decades. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min) + 1e-12);
  const hi = Math.ceil(Math.log10(max) - 1e-12);
  const decades = hi - lo;
  const every = Math.max(1, Math.ceil(decades / 8));
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) {
    if ((k - lo) % every !== 0) continue;
    const mantissas = decades <= 2 ? [1, 2, 5] : [1];
    for (const m of mantissas) {
      const v = clean(m * 10 ** k);
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

/**
 * A short tick label: `0.05`, `1200`, `1e-5`, `2.5e-4`. With `exponential`, every label except 0
 * uses the exponent form (consistent labels on a log axis spanning many decades).
 */
export function formatTick(value: number, exponential = false): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (exponential || abs >= 1e5 || abs < 1e-3) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    return `${Number(Number(mantissa).toPrecision(3))}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(6)));
}
