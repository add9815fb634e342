import type * as tf from '@tensorflow/tfjs-core';
import type { Learner } from './learner.js';
import { type LrSpec, lrRange } from './lr-range.js';
import type { LearnerParameter } from './model-contract.js';
import { type Optimizer, type OptParam, perGroup } from './optimizer.js';

/**
 * A new optimizer for `learn`'s layer groups (one optimizer group per layer group; batch-norm
 * parameters and biases decay only when `bnWd`).
 */
export function createOptimizer(learn: Learner, lr: LrSpec): Optimizer {
  const groups = learn.layerGroups();
  const optGroups: OptParam[][] = groups.map((g) =>
    g.map((p) => ({ name: p.name, variable: p.variable, decay: learn.bnWd || p.kind === 'weight' })),
  );
  return learn.optFunc(optGroups, {
    lr: lrRange(lr, groups.length),
    wd: perGroup('wd', learn.wd, groups.length),
    trueWd: learn.trueWd,
  });
}

/** The variables of every layer group that are trainable now. */
export function trainableVariables(groups: readonly (readonly LearnerParameter[])[]): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const g of groups) for (const p of g) if (p.variable.trainable) vars.push(p.variable);
  return vars;
}

/**
 * fastai's `freeze_to(n)` on the variables: groups before `n` (negative: from the end) stop
 * training, batch-norm parameters stay trainable when `trainBn`.
 */
export function freezeLayerGroups(
  groups: readonly (readonly LearnerParameter[])[],
  n: number,
  trainBn: boolean,
): void {
  if (!Number.isInteger(n) || n < -groups.length || n > groups.length) {
    throw new RangeError(`freezeTo: n must be an integer in [${-groups.length}, ${groups.length}], got ${n}`);
  }
  const cut = n < 0 ? groups.length + n : n;
  groups.forEach((g, i) => {
    for (const p of g) p.variable.trainable = i >= cut || (trainBn && p.kind === 'norm');
  });
}
