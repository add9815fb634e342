import type { Snapshot } from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs';

/** One slot of tfjs's optimizers' state arrays (`accumulations`, `accumulatedFirstMoment`, …). */
interface OptimizerSlot {
  originalName: string;
  variable: tf.Variable;
}

type Saved =
  | { kind: 'value'; value: unknown }
  | { kind: 'tensor'; tensor: tf.Tensor }
  | { kind: 'slots'; slots: { originalName: string; tensor: tf.Tensor }[] };

function isSlotArray(v: unknown): v is OptimizerSlot[] {
  return (
    Array.isArray(v) &&
    v.every(
      (e) =>
        e != null &&
        typeof e === 'object' &&
        typeof (e as OptimizerSlot).originalName === 'string' &&
        (e as OptimizerSlot).variable instanceof tf.Variable,
    )
  );
}

function disposeField(v: unknown): void {
  if (v instanceof tf.Tensor) v.dispose();
  else if (isSlotArray(v)) for (const s of v) s.variable.dispose();
}

/**
 * A copy of a tfjs optimizer's whole state — every own field: numbers (learning rate, betas,
 * iteration count), scalar tensors (tfjs's `c`, `m`, `accBeta1`, …) and its per-variable slots
 * (momentum accumulations, Adam's moments, …), slots created later included — that can be put back
 * bit-for-bit. `getWeights`/`setWeights` are not used: Adamax has none, and Adam's `setWeights`
 * recomputes `accBeta1` as a power, which differs in the last bits from the product it keeps.
 */
function snapshotOptimizer(optimizer: tf.Optimizer): Snapshot {
  const target = optimizer as unknown as Record<string, unknown>;
  const saved = new Map<string, Saved>();
  for (const [key, v] of Object.entries(target)) {
    if (v instanceof tf.Tensor) saved.set(key, { kind: 'tensor', tensor: tf.clone(v) });
    else if (isSlotArray(v)) {
      saved.set(key, {
        kind: 'slots',
        slots: v.map((s) => ({ originalName: s.originalName, tensor: tf.clone(s.variable) })),
      });
    } else if (v === null || ['number', 'string', 'boolean', 'undefined'].includes(typeof v)) {
      saved.set(key, { kind: 'value', value: v });
    } else {
      for (const s of saved.values()) {
        if (s.kind === 'tensor') s.tensor.dispose();
        if (s.kind === 'slots') for (const t of s.slots) t.tensor.dispose();
      }
      throw new TypeError(
        `snapshot: cannot copy the field '${key}' of the ${optimizer.getClassName()} optimizer (an unknown kind of state)`,
      );
    }
  }
  return {
    restore() {
      for (const key of Object.keys(target)) {
        if (!saved.has(key)) {
          disposeField(target[key]);
          delete target[key];
        }
      }
      for (const [key, s] of saved) {
        const cur = target[key];
        if (s.kind === 'value') target[key] = s.value;
        else if (s.kind === 'tensor') {
          if (cur instanceof tf.Variable) cur.assign(s.tensor);
          else {
            const fresh = tf.keep(tf.clone(s.tensor));
            if (cur instanceof tf.Tensor && cur !== fresh) cur.dispose();
            target[key] = fresh;
          }
        } else {
          const slots = isSlotArray(cur) ? cur : [];
          for (const extra of slots.slice(s.slots.length)) extra.variable.dispose();
          target[key] = s.slots.map((t, i) => {
            const old = slots[i];
            if (old) {
              old.variable.assign(t.tensor);
              old.originalName = t.originalName;
              return old;
            }
            return { originalName: t.originalName, variable: tf.clone(t.tensor).variable(false) };
          });
        }
      }
    },
    dispose() {
      for (const s of saved.values()) {
        if (s.kind === 'tensor') s.tensor.dispose();
        if (s.kind === 'slots') for (const t of s.slots) t.tensor.dispose();
      }
      saved.clear();
    },
  };
}

/**
 * A snapshot of a compiled tfjs-layers model: every weight (trainable or not, batch-norm moving
 * statistics included) and the whole state of `model.optimizer`. `restore()` puts both back
 * bit-for-bit (it may be called more than once); `dispose()` frees the copies. This is what
 * {@link lrFind} restores after its sweep.
 *
 * @example
 * ```ts
 * const snap = layersSnapshot(model);
 * try {
 *   await model.fit(x, y, { epochs: 1 }); // an experiment
 * } finally {
 *   snap.restore();
 *   snap.dispose();
 * }
 * ```
 */
export function layersSnapshot(model: tf.LayersModel): Snapshot {
  if (model == null || !Array.isArray(model.weights)) {
    throw new TypeError('layersSnapshot: model must be a tfjs-layers LayersModel');
  }
  if (model.optimizer == null) {
    throw new Error(
      'layersSnapshot: the model has no optimizer; call model.compile({ optimizer, loss }) first',
    );
  }
  const weights = model.weights.map((w) => ({ variable: w.read() as tf.Variable, copy: tf.clone(w.read()) }));
  let opt: Snapshot;
  try {
    opt = snapshotOptimizer(model.optimizer);
  } catch (e) {
    for (const w of weights) w.copy.dispose();
    throw e;
  }
  return {
    restore() {
      for (const w of weights) w.variable.assign(w.copy);
      opt.restore();
    },
    dispose() {
      for (const w of weights) w.copy.dispose();
      weights.length = 0;
      opt.dispose();
    },
  };
}
