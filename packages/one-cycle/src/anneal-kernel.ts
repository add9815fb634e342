// Internal: the hot path of the schedules. The annealing functions of @onecycle/annealing are
// recognised and evaluated inline with precomputed constants — the same floating-point operations
// in the same order, so the results are bit-identical — and any other function is called as is.

import { type AnnealFunc, annealCos, annealLinear, annealNo } from '@onecycle/annealing';

/** 0: call the function; 1: cosine; 2: linear; 3: constant (start). */
export type KernelKind = 0 | 1 | 2 | 3;

export function kernelKind(func: AnnealFunc): KernelKind {
  if (func === annealCos) return 1;
  if (func === annealLinear) return 2;
  if (func === annealNo) return 3;
  return 0;
}

/**
 * The constant per segment: cosine `(start − end) / 2`, linear `end − start` (as annealCos and
 * annealLinear compute them).
 */
export function kernelConstant(kind: KernelKind, start: number, end: number): number {
  if (kind === 1) return (start - end) / 2;
  if (kind === 2) return end - start;
  return 0;
}

/**
 * The shared factor of a step: cosine `cos(π · pct) + 1`, linear `pct`. One evaluation serves every
 * segment of the same kind at the same pct (lr of every group and momentum).
 */
export function kernelFactor(kind: KernelKind, pct: number): number {
  return kind === 1 ? Math.cos(Math.PI * pct) + 1 : pct;
}

/** The value of one segment given its factor. */
export function kernelValue(
  kind: KernelKind,
  func: AnnealFunc,
  start: number,
  end: number,
  constant: number,
  factor: number,
  pct: number,
): number {
  switch (kind) {
    case 1:
      return end + constant * factor; // annealCos: end + ((start − end) / 2) · (cos(π·pct) + 1)
    case 2:
      return start + factor * constant; // annealLinear: start + pct · (end − start)
    case 3:
      return start;
    default:
      return func(start, end, pct);
  }
}
