import type { Callback, GradientAccess, TrainState } from './types.js';

/**
 * Options of {@link GradientClip}: clip by global norm, by value, or both (norm first).
 *
 * @example
 * ```ts
 * const o: GradientClipOptions = { maxNorm: 1 };
 * ```
 */
export interface GradientClipOptions {
  /** Largest global L2 norm of the gradients (PyTorch's `clip_grad_norm_(max_norm)`). */
  maxNorm?: number;
  /** Largest absolute value of any gradient entry (PyTorch's `clip_grad_value_(clip_value)`). */
  maxValue?: number;
}

/**
 * The factor PyTorch 1.13's `clip_grad_norm_` multiplies every gradient by:
 * `min(1, maxNorm / (totalNorm + 1e-6))`.
 *
 * @example
 * ```ts
 * clipNormFactor(5, 1);   // ≈ 0.2
 * clipNormFactor(0.5, 1); // 1
 * ```
 */
export function clipNormFactor(totalNorm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (totalNorm + 1e-6));
}

/**
 * Clips the gradients before each optimizer step (fastai's `GradientClip(max_norm)`, run after
 * the backward pass): by their global L2 norm as PyTorch's `clip_grad_norm_` does, and/or each
 * value into `[−maxValue, maxValue]` as `clip_grad_value_`. With gradient accumulation it clips the
 * accumulated gradient, once per step. Tensor-free: it asks the loop's
 * {@link TrainingHost.gradients} to scale or clamp; a loop without them is an error at the start.
 *
 * @example
 * ```ts
 * await learn.fitOneCycle(3, 1e-2, { callbacks: [new GradientClip({ maxNorm: 1 })] });
 * ```
 */
export class GradientClip implements Callback {
  readonly name = 'gradientClip';
  /** After the callbacks of order 0 (a gradient accumulation's average comes first). */
  readonly order = 1;
  /** The largest global norm, if clipping by norm. */
  readonly maxNorm: number | undefined;
  /** The largest absolute value, if clipping by value. */
  readonly maxValue: number | undefined;
  /** The global norm of the last step's gradients before clipping (NaN before the first, or by value only). */
  lastNorm = Number.NaN;

  /**
   * @param options - `maxNorm` and/or `maxValue` (each > 0).
   * @example
   * ```ts
   * new GradientClip({ maxValue: 0.5 });
   * ```
   */
  constructor(options: GradientClipOptions) {
    const { maxNorm, maxValue } = options ?? {};
    for (const [name, v] of [
      ['maxNorm', maxNorm],
      ['maxValue', maxValue],
    ] as const) {
      if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
        throw new RangeError(`GradientClip: ${name} must be a finite number > 0, got ${String(v)}`);
      }
    }
    if (maxNorm === undefined && maxValue === undefined) {
      throw new RangeError(
        'GradientClip: give maxNorm (clip by global norm) and/or maxValue (clip by value)',
      );
    }
    this.maxNorm = maxNorm;
    this.maxValue = maxValue;
  }

  /**
   * Checks that the loop exposes its gradients.
   * @example
   * ```ts
   * clip.onTrainBegin(state);
   * ```
   */
  onTrainBegin(state: TrainState): void {
    this.lastNorm = Number.NaN;
    gradientsOf(state);
  }

  /**
   * Clips the gradients of the step about to be taken (nothing when the step is skipped).
   * @example
   * ```ts
   * await clip.onBackwardEnd(state);
   * ```
   */
  async onBackwardEnd(state: TrainState): Promise<void> {
    if (state.skipStep) return;
    const grads = gradientsOf(state);
    if (this.maxNorm !== undefined) {
      this.lastNorm = await grads.norm();
      const f = clipNormFactor(this.lastNorm, this.maxNorm);
      if (f < 1) grads.scale(f);
    }
    if (this.maxValue !== undefined) grads.clampValues(this.maxValue);
  }
}

function gradientsOf(state: TrainState): GradientAccess {
  const g = state.host.gradients;
  if (g === undefined) {
    throw new Error('GradientClip: this training loop does not expose its gradients (host.gradients)');
  }
  return g;
}
