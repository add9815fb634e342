/**
 * Number formats of the charts' axes and legends.
 */

/**
 * A legend value: four significant digits, exponent notation below 0.001, `--` for no value.
 *
 * @example
 * ```ts
 * legendValue(0.000123); // '1.23e-4'
 * legendValue(0.0523);   // '0.0523'
 * ```
 */
export function legendValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '--';
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/**
 * Labels powers of ten on a log axis (`1e-6`, `0.001`, `0.1`, `1`, `10`) and leaves the ticks
 * between them blank.
 *
 * @example
 * ```ts
 * decadeLabel(1e-5); // '1e-5'
 * decadeLabel(0.01); // '0.01'
 * decadeLabel(0.02); // ''
 * ```
 */
export function decadeLabel(v: number): string {
  const e = Math.log10(v);
  if (!Number.isFinite(e) || Math.abs(e - Math.round(e)) > 1e-6) return '';
  const p = Math.round(e);
  if (p < -3 || p > 3) return `1e${p}`;
  return p >= 0 ? String(10 ** p) : (10 ** p).toFixed(-p);
}
