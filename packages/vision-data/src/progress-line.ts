import { barText } from '@onecycle/callbacks';

/**
 * The text of a progress line.
 *
 * @example
 * ```ts
 * formatProgress('a.tgz', 50, 100, 10); // 'a.tgz [█████-----]  50% 0.0/0.0 MB'
 * ```
 */
export function formatProgress(
  label: string,
  received: number,
  total: number | undefined,
  width = 30,
): string {
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  if (!total) return `${label} ${mb(received)} MB`;
  const frac = Math.min(1, received / total);
  const pct = `${Math.round(frac * 100)}`.padStart(3);
  return `${label} [${barText(frac, width)}] ${pct}% ${mb(received)}/${mb(total)} MB`;
}
