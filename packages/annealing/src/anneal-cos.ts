/**
 * Cosine annealing: `end + (start - end) / 2 * (cos(π · pct) + 1)` (fastai's `annealing_cos`,
 * PyTorch's `OneCycleLR` `'cos'` strategy).
 *
 * @param start - The value at `pct = 0`.
 * @param end - The value at `pct = 1` (exactly, since `cos(π) = -1`).
 * @param pct - The fraction of the way, usually in [0, 1].
 * @example
 * ```ts
 * import { annealCos } from '@onecycle/annealing';
 * annealCos(0.1, 0, 0.5); // 0.05
 * ```
 */
export function annealCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}
