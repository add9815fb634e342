import type { BatchPart, GradientAccess } from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradients of the optimizer step being prepared: those of one batch, or the average of a
 * step's accumulated batches. What callbacks reach as `state.host.gradients` (the learner applies
 * the norm, scaling and clamping they ask for).
 * @internal
 */
export class StepGradients implements GradientAccess {
  /** The gradients by variable name, or undefined outside a training step. */
  grads: tf.NamedTensorMap | undefined;

  private current(): tf.NamedTensorMap {
    if (this.grads === undefined) {
      throw new Error('host.gradients: there are no gradients outside a training step');
    }
    return this.grads;
  }

  private map(f: (g: tf.Tensor) => tf.Tensor): void {
    const grads = this.current();
    for (const [k, g] of Object.entries(grads)) {
      grads[k] = tf.tidy(() => f(g));
      g.dispose();
    }
  }

  /** The global L2 norm of every gradient taken together (one read-back). */
  async norm(): Promise<number> {
    const total = tf.tidy(() =>
      tf.sqrt(tf.addN(Object.values(this.current()).map((g) => tf.sum(tf.square(g))))),
    );
    try {
      return (await total.data())[0]!;
    } finally {
      total.dispose();
    }
  }

  /** Multiplies every gradient by `factor`. */
  scale(factor: number): void {
    this.map((g) => tf.mul(g, factor));
  }

  /** Clamps every gradient value to `[−limit, limit]`. */
  clampValues(limit: number): void {
    this.map((g) => tf.clipByValue(g, -limit, limit));
  }

  /**
   * Takes a batch's gradients (owning them): as they are for a step of one batch, else scaled by
   * `1/part.count` and added to those of the step's earlier batches.
   */
  add(g: tf.NamedTensorMap, part: BatchPart): void {
    if (part.count === 1) {
      this.clear();
      this.grads = g;
      return;
    }
    const prev = part.index === 0 ? undefined : this.grads;
    const next: tf.NamedTensorMap = {};
    tf.tidy(() => {
      for (const [k, gk] of Object.entries(g)) {
        const scaled = tf.mul(gk, 1 / part.count);
        const p = prev?.[k];
        next[k] = tf.keep(p === undefined ? scaled : tf.add(p, scaled));
      }
    });
    tf.dispose(g);
    this.clear();
    this.grads = next;
  }

  /** Frees the gradients. */
  clear(): void {
    if (this.grads) tf.dispose(this.grads);
    this.grads = undefined;
  }
}
