import { HYPERPARAMETER_NAMES, type HyperparameterName } from '@onecycle/annealing';
import type { HyperparamTarget } from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One trainable tensor as the optimizer sees it: its variable and whether weight decay applies to it
 * (fastai's `bn_wd=False` exempts batch-norm parameters and biases).
 *
 * @example
 * ```ts
 * const p: OptParam = { name: '0.0.weight', variable: tf.variable(tf.zeros([3, 3])), decay: true };
 * ```
 */
export interface OptParam {
  /** A stable name (the module's dotted name); optimizer state is saved under it. */
  readonly name: string;
  /** The variable updated in place by {@link Optimizer.step}. */
  readonly variable: tf.Variable;
  /** Whether weight decay applies to this parameter. */
  readonly decay: boolean;
}

/**
 * The hyperparameters of one parameter group.
 *
 * @example
 * ```ts
 * const h: Hyperparams = { lr: 1e-3, mom: 0.9, beta: 0.99, wd: 1e-2 };
 * ```
 */
export interface Hyperparams {
  /** Learning rate. */
  lr: number;
  /** SGD/RMSProp momentum or Adam's beta1. */
  mom: number;
  /** Adam's beta2 or RMSProp's alpha (unused by SGD). */
  beta: number;
  /** Weight decay. */
  wd: number;
}

/**
 * Settings common to every optimizer.
 *
 * @example
 * ```ts
 * const o: OptimizerOptions = { lr: 1e-3, wd: 1e-2, trueWd: true };
 * ```
 */
export interface OptimizerOptions {
  /** Initial learning rate for every group (default 1e-3), or one per group. */
  lr?: number | readonly number[];
  /** Weight decay for every group (default 0), or one per group. */
  wd?: number | readonly number[];
  /**
   * Decoupled ("true") weight decay, `p ← p·(1 − lr·wd)` before the update, as fastai v1 and AdamW
   * do (default true). When false, `wd·p` is added to the gradient (L2 regularisation).
   */
  trueWd?: boolean;
  /** How the update is computed (default 'auto'); see {@link OptimizerEngine}. */
  engine?: OptimizerEngine;
}

/**
 * How an optimizer computes its update. `'tensor'`: a few tfjs ops per parameter inside one
 * `tf.tidy` (right for GPU backends, where reading values back is slow). `'array'`: one JavaScript
 * loop per parameter over the values read from the backend, the optimizer state kept in
 * `Float32Array`s — several times faster for small models on backends whose tensors live in main
 * memory, where every tfjs op costs a fixed overhead. `'auto'` (default): `'array'` on the `cpu`,
 * `wasm` and `tensorflow` (tfjs-node) backends, `'tensor'` elsewhere. Both follow the same formulas;
 * results agree to float32 rounding.
 *
 * @example
 * ```ts
 * const opt = new Adam(groups, { engine: 'tensor' });
 * ```
 */
export type OptimizerEngine = 'auto' | 'tensor' | 'array';

/**
 * The state array `key` of an {@link ArrayUpdate}, created zero-filled with `n` values if missing.
 *
 * @example
 * ```ts
 * const m = stateArray(u.state, 'expAvg', u.out.length);
 * ```
 */
export function stateArray(state: Record<string, Float32Array>, key: string, n: number): Float32Array {
  let a = state[key];
  if (a === undefined) {
    a = new Float32Array(n);
    state[key] = a;
  }
  return a;
}

/** Backends whose tensors live in main memory (values can be read without a GPU round trip). */
const MAIN_MEMORY_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * What {@link Optimizer.updateArrays} gets for one parameter: its values (read-only), the
 * gradient (read-only), where to write the new values, its state arrays (updated in place; create
 * missing ones zero-filled) and the group's factors for this step. What a custom optimizer's
 * `updateArrays` works with.
 *
 * @example
 * ```ts
 * protected updateArrays({ param, grad, out, h, decay }: ArrayUpdate): void {
 *   for (let i = 0; i < out.length; i++) out[i] = param[i]! * decay - h.lr * grad[i]!; // plain SGD
 * }
 * ```
 */
export interface ArrayUpdate {
  /** Current values of the parameter (do not modify). */
  readonly param: ArrayLike<number>;
  /** Its gradient (do not modify). */
  readonly grad: ArrayLike<number>;
  /** Receives the new values. */
  readonly out: Float32Array;
  /** The parameter's state arrays, by key (the same keys as the tensor engine's state). */
  readonly state: Record<string, Float32Array>;
  /** The group's hyperparameters. */
  readonly h: Hyperparams;
  /** The parameter's step count (already incremented). */
  readonly step: number;
  /** Factor of decoupled weight decay (`1 − lr·wd`, or 1). */
  readonly decay: number;
  /** Coefficient of L2 weight decay added to the gradient (`wd`, or 0). */
  readonly l2: number;
}

/**
 * The saved state of one parameter: its step count and named state tensors (moments).
 *
 * @example
 * ```ts
 * const s: ParamState = { step: 3, tensors: { expAvg: m, expAvgSq: v } };
 * ```
 */
export interface ParamState {
  /** Optimizer steps applied to this parameter. */
  step: number;
  /** State tensors (owned by the optimizer). */
  tensors: Record<string, tf.Tensor>;
}

/**
 * The whole state of an optimizer as plain data: hyperparameters per group and, per parameter
 * name, the step count and state tensors. Produced by {@link Optimizer.stateDict} (tensors are
 * copies owned by the caller) and read by {@link Optimizer.loadStateDict}.
 *
 * @example
 * ```ts
 * const sd = opt.stateDict();
 * other.loadStateDict(sd);
 * disposeOptimizerState(sd);
 * ```
 */
export interface OptimizerState {
  /** The optimizer's kind ('adam', 'sgd', 'rmsprop', 'radam', 'lamb'). */
  kind: string;
  /** Hyperparameters per group. */
  hypers: Hyperparams[];
  /** Per parameter name. */
  params: Record<string, ParamState>;
}

/**
 * Disposes the tensors of an {@link OptimizerState}.
 *
 * @example
 * ```ts
 * const sd = opt.stateDict();
 * disposeOptimizerState(sd);
 * ```
 */
export function disposeOptimizerState(state: OptimizerState): void {
  for (const p of Object.values(state.params)) for (const t of Object.values(p.tensors)) t.dispose();
}

/** Weight-decay scalars shared by every parameter of a group for one step. */
interface StepScalars {
  /** `1 − lr·wd` when decoupled weight decay applies, else undefined. */
  decay?: tf.Scalar;
  /** `wd` when L2 weight decay applies, else undefined. */
  l2?: tf.Scalar;
}

/**
 * Base class of onecycle's optimizers: parameter groups whose hyperparameters (`lr`, `mom`,
 * `beta`, `wd`) can change every step (it implements the callbacks' {@link HyperparamTarget}),
 * decoupled or L2 weight decay, and per-parameter state that can be saved, loaded and cloned.
 * A step runs either as a few tfjs ops per parameter inside one `tf.tidy`, or as one JavaScript
 * loop per parameter (see {@link OptimizerEngine}).
 *
 * @example
 * ```ts
 * const opt = new Adam([[{ name: 'w', variable: w, decay: true }]], { lr: 1e-3, wd: 1e-2 });
 * const { value, grads } = tf.variableGrads(() => loss(), [w]);
 * opt.step(grads);
 * opt.set('lr', 5e-3);
 * ```
 */
export abstract class Optimizer implements HyperparamTarget {
  /** The optimizer's kind, saved with its state ('adam', 'sgd', 'rmsprop', 'radam', 'lamb'). */
  abstract readonly kind: string;
  /** Decoupled weight decay (true) or L2 added to the gradient (false). */
  readonly trueWd: boolean;
  /** The parameter groups. */
  readonly groups: readonly (readonly OptParam[])[];
  /** The engine asked for ('auto' resolves per step from the active backend). */
  readonly engine: OptimizerEngine;
  protected readonly hypers: Hyperparams[];
  /** Per parameter: step count and state, each entry a tensor or a Float32Array (converted on demand). */
  private readonly state = new Map<
    string,
    { step: number; values: Record<string, tf.Tensor | Float32Array> }
  >();
  private readonly shapes = new Map<string, number[]>();

  /**
   * @param groups - Parameter groups (≥ 1, each non-empty; names unique).
   * @param defaults - Initial `mom` and `beta` of the concrete optimizer.
   * @param options - Learning rate, weight decay, decoupled or L2 decay.
   */
  protected constructor(
    groups: readonly (readonly OptParam[])[],
    defaults: { mom: number; beta: number },
    options: OptimizerOptions = {},
  ) {
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new RangeError('Optimizer: groups must be a non-empty array of parameter groups');
    }
    const seen = new Set<string>();
    groups.forEach((g, i) => {
      if (!Array.isArray(g)) throw new TypeError(`Optimizer: groups[${i}] must be an array of parameters`);
      for (const p of g) {
        if (p == null || typeof p.name !== 'string' || !(p.variable instanceof tf.Variable)) {
          throw new TypeError(`Optimizer: groups[${i}] holds an entry without a name and a tf.Variable`);
        }
        if (seen.has(p.name)) throw new RangeError(`Optimizer: parameter name ${p.name} appears twice`);
        seen.add(p.name);
      }
    });
    this.groups = groups.map((g) => [...g]);
    for (const g of this.groups) for (const p of g) this.shapes.set(p.name, [...p.variable.shape]);
    this.trueWd = options.trueWd ?? true;
    this.engine = options.engine ?? 'auto';
    if (!['auto', 'tensor', 'array'].includes(this.engine)) {
      throw new RangeError(
        `Optimizer: engine must be 'auto', 'tensor' or 'array', got ${String(options.engine)}`,
      );
    }
    const n = groups.length;
    const lr = perGroup('lr', options.lr ?? 1e-3, n);
    const wd = perGroup('wd', options.wd ?? 0, n);
    this.hypers = lr.map((l, i) => ({ lr: l, mom: defaults.mom, beta: defaults.beta, wd: wd[i]! }));
    for (const h of this.hypers) for (const name of HYPERPARAMETER_NAMES) checkHyper(name, h[name]);
  }

  /**
   * Number of parameter groups.
   * @example
   * ```ts
   * opt.nGroups; // 1
   * ```
   */
  get nGroups(): number {
    return this.groups.length;
  }

  /**
   * The current value of a hyperparameter for every group.
   * @example
   * ```ts
   * opt.get('lr'); // [0.001]
   * ```
   */
  get(name: HyperparameterName): number[] {
    if (!(HYPERPARAMETER_NAMES as readonly string[]).includes(name)) {
      throw new RangeError(
        `Optimizer.get: unknown hyperparameter ${String(name)}; allowed: ${HYPERPARAMETER_NAMES.join(', ')}`,
      );
    }
    return this.hypers.map((h) => h[name]);
  }

  /**
   * Sets a hyperparameter for every group (one number) or per group (an array of `nGroups`).
   * @example
   * ```ts
   * opt.set('mom', 0.85);
   * opt.set('lr', [1e-4, 1e-3]);
   * ```
   */
  set(name: HyperparameterName, value: number | readonly number[]): void {
    if (!(HYPERPARAMETER_NAMES as readonly string[]).includes(name)) {
      throw new RangeError(
        `Optimizer.set: unknown hyperparameter ${String(name)}; allowed: ${HYPERPARAMETER_NAMES.join(', ')}`,
      );
    }
    const values = perGroup(name, value, this.hypers.length);
    for (const v of values) checkHyper(name, v);
    values.forEach((v, i) => {
      this.hypers[i]![name] = v;
    });
  }

  /**
   * Applies one update to every parameter that has a gradient in `grads` (keyed by
   * `variable.name`, as `tf.variableGrads` returns them). Parameters without a gradient (frozen)
   * are left alone, weight decay included. Does not dispose `grads`.
   *
   * @example
   * ```ts
   * const { value, grads } = tf.variableGrads(f, vars);
   * opt.step(grads);
   * value.dispose(); tf.dispose(grads);
   * ```
   */
  step(grads: tf.NamedTensorMap): void {
    if (this.resolvedEngine() === 'array') this.stepArrays(grads);
    else this.stepTensors(grads);
  }

  /**
   * The engine the next step uses: `engine`, or for 'auto' the one that suits the active backend.
   * @example
   * ```ts
   * await tf.setBackend('wasm');
   * new Adam(groups).resolvedEngine(); // 'array'
   * ```
   */
  resolvedEngine(): 'tensor' | 'array' {
    if (this.engine !== 'auto') return this.engine;
    return MAIN_MEMORY_BACKENDS.has(tf.getBackend()) ? 'array' : 'tensor';
  }

  private paramState(name: string): { step: number; values: Record<string, tf.Tensor | Float32Array> } {
    let st = this.state.get(name);
    if (st === undefined) {
      st = { step: 0, values: {} };
      this.state.set(name, st);
    }
    return st;
  }

  private stepTensors(grads: tf.NamedTensorMap): void {
    // State held as arrays (by the array engine or nothing yet) becomes tensors first, outside the tidy.
    for (const g of this.groups) {
      for (const p of g) {
        const st = this.state.get(p.name);
        if (st === undefined || grads[p.variable.name] === undefined) continue;
        for (const [k, v] of Object.entries(st.values)) {
          if (v instanceof Float32Array) st.values[k] = tf.tensor(v, p.variable.shape, 'float32');
        }
      }
    }
    const replaced: tf.Tensor[] = [];
    tf.tidy(() => {
      this.groups.forEach((group, gi) => {
        const h = this.hypers[gi]!;
        const common: StepScalars = {};
        if (h.wd !== 0) {
          if (this.trueWd) {
            if (h.lr * h.wd !== 0) common.decay = tf.scalar(1 - h.lr * h.wd);
          } else common.l2 = tf.scalar(h.wd);
        }
        const cache = new Map<number, unknown>();
        for (const p of group) {
          const g0 = grads[p.variable.name];
          if (g0 === undefined) continue;
          const st = this.paramState(p.name);
          st.step += 1;
          const wd = p.decay ? common : {};
          const g = wd.l2 ? tf.add(g0, tf.mul(p.variable, wd.l2)) : g0;
          const base: tf.Tensor = wd.decay ? tf.mul(p.variable, wd.decay) : p.variable;
          let scalars = cache.get(st.step);
          if (scalars === undefined) {
            scalars = this.stepScalars(h, st.step);
            cache.set(st.step, scalars);
          }
          const view: ParamState = { step: st.step, tensors: st.values as Record<string, tf.Tensor> };
          const { param, tensors } = this.update(base, g, view, scalars);
          p.variable.assign(param);
          for (const [k, t] of Object.entries(tensors)) {
            const old = st.values[k];
            if (old instanceof tf.Tensor) replaced.push(old);
            st.values[k] = tf.keep(t);
          }
        }
      });
    });
    for (const t of replaced) t.dispose();
  }

  private stepArrays(grads: tf.NamedTensorMap): void {
    this.groups.forEach((group, gi) => {
      const h = this.hypers[gi]!;
      for (const p of group) {
        const gt = grads[p.variable.name];
        if (gt === undefined) continue;
        const st = this.paramState(p.name);
        for (const [k, v] of Object.entries(st.values)) {
          if (v instanceof tf.Tensor) {
            st.values[k] = Float32Array.from(v.dataSync() as Float32Array);
            v.dispose();
          }
        }
        st.step += 1;
        const decay = p.decay && this.trueWd ? 1 - h.lr * h.wd : 1;
        const l2 = p.decay && !this.trueWd ? h.wd : 0;
        const out = new Float32Array(p.variable.size);
        this.updateArrays({
          param: p.variable.dataSync() as Float32Array,
          grad: gt.dataSync() as Float32Array,
          out,
          state: st.values as Record<string, Float32Array>,
          h,
          step: st.step,
          decay,
          l2,
        });
        const next = tf.tensor(out, p.variable.shape, 'float32');
        p.variable.assign(next);
        next.dispose();
      }
    });
  }

  /**
   * The update of one parameter by the array engine: writes the new values into `u.out` and
   * updates (or creates, zero-filled) the state arrays in `u.state`.
   * @example
   * ```ts
   * protected updateArrays(u: ArrayUpdate): void {
   *   const m = stateArray(u.state, 'expAvg', u.out.length);
   *   // ...
   * }
   * ```
   */
  protected abstract updateArrays(u: ArrayUpdate): void;

  /**
   * Scalars of one group for one step count (called inside the step's `tf.tidy`).
   * @internal
   */
  protected abstract stepScalars(h: Hyperparams, step: number): unknown;

  /**
   * The update of one parameter: the new value of `param` (already decayed) and its new state
   * tensors (called inside the step's `tf.tidy`; `state.step` is already incremented).
   * @internal
   */
  protected abstract update(
    param: tf.Tensor,
    grad: tf.Tensor,
    state: ParamState,
    scalars: unknown,
  ): { param: tf.Tensor; tensors: Record<string, tf.Tensor> };

  /**
   * A copy of the optimizer's state (hyperparameters, step counts, moments). The caller owns the
   * tensors: free them with {@link disposeOptimizerState}.
   * @example
   * ```ts
   * const sd = opt.stateDict();
   * ```
   */
  stateDict(): OptimizerState {
    const params: Record<string, ParamState> = {};
    for (const [name, st] of this.state) {
      const tensors: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(st.values)) {
        // A copy: some backends (cpu) keep the array itself, and the array engine updates it in place.
        tensors[k] =
          v instanceof tf.Tensor ? tf.clone(v) : tf.tensor(v.slice(), this.shapes.get(name)!, 'float32');
      }
      params[name] = { step: st.step, tensors };
    }
    return { kind: this.kind, hypers: this.hypers.map((h) => ({ ...h })), params };
  }

  /**
   * Throws, changing nothing, unless {@link Optimizer.loadStateDict} would accept `sd`: same kind,
   * same number of groups, known parameter names, tensor shapes of their parameters, step counts
   * that are integers ≥ 0, hyperparameters in range.
   * @example
   * ```ts
   * opt.checkStateDict(saved); // throws RangeError('… unknown parameter …') if it does not fit
   * ```
   */
  checkStateDict(sd: OptimizerState): void {
    if (sd.kind !== this.kind) {
      throw new TypeError(
        `Optimizer.loadStateDict: state is for a ${sd.kind} optimizer, this one is ${this.kind}`,
      );
    }
    if (!Array.isArray(sd.hypers) || sd.hypers.length !== this.hypers.length) {
      throw new RangeError(
        `Optimizer.loadStateDict: state has ${sd.hypers?.length} parameter groups, this optimizer ${this.hypers.length}`,
      );
    }
    const byName = new Map<string, OptParam>();
    for (const g of this.groups) for (const p of g) byName.set(p.name, p);
    for (const [name, st] of Object.entries(sd.params)) {
      const p = byName.get(name);
      if (p === undefined) throw new RangeError(`Optimizer.loadStateDict: unknown parameter ${name}`);
      if (!Number.isInteger(st.step) || st.step < 0) {
        throw new RangeError(
          `Optimizer.loadStateDict: ${name} has step ${String(st.step)}, expected an integer ≥ 0`,
        );
      }
      for (const [k, t] of Object.entries(st.tensors)) {
        if (!tf.util.arraysEqual(t.shape, p.variable.shape)) {
          throw new RangeError(
            `Optimizer.loadStateDict: ${name}.${k} has shape [${t.shape}], the parameter [${p.variable.shape}]`,
          );
        }
      }
    }
    for (const h of sd.hypers) for (const name of HYPERPARAMETER_NAMES) checkHyper(name, h[name]);
  }

  /**
   * Replaces the optimizer's state with a copy of `sd` (its tensors stay the caller's). Checks
   * everything first ({@link Optimizer.checkStateDict}): on error the optimizer is unchanged.
   * @example
   * ```ts
   * opt.loadStateDict(saved);
   * ```
   */
  loadStateDict(sd: OptimizerState): void {
    this.checkStateDict(sd);
    this.clearState();
    // Kept in the form the active engine uses, so loading does not change what the optimizer holds.
    const asArrays = this.resolvedEngine() === 'array';
    for (const [name, st] of Object.entries(sd.params)) {
      const values: Record<string, tf.Tensor | Float32Array> = {};
      for (const [k, t] of Object.entries(st.tensors)) {
        values[k] = asArrays ? Float32Array.from(t.dataSync() as Float32Array) : tf.clone(t);
      }
      this.state.set(name, { step: st.step, values });
    }
    sd.hypers.forEach((h, i) => {
      this.hypers[i] = { ...h };
    });
  }

  /**
   * Forgets every moment and step count (hyperparameters are kept).
   * @example
   * ```ts
   * opt.clearState();
   * ```
   */
  clearState(): void {
    for (const st of this.state.values()) {
      for (const v of Object.values(st.values)) if (v instanceof tf.Tensor) v.dispose();
    }
    this.state.clear();
  }

  /**
   * Frees the optimizer's state tensors (the parameters stay the model's).
   * @example
   * ```ts
   * opt.dispose();
   * ```
   */
  dispose(): void {
    this.clearState();
  }
}

/**
 * Expands a hyperparameter given for every group or per group into one value per group.
 * @example
 * ```ts
 * perGroup('lr', 0.1, 2);        // [0.1, 0.1]
 * perGroup('lr', [0.1, 0.2], 2); // [0.1, 0.2]
 * ```
 */
export function perGroup(name: string, value: number | readonly number[], nGroups: number): number[] {
  if (typeof value === 'number') return new Array<number>(nGroups).fill(value);
  if (!Array.isArray(value) || value.length !== nGroups) {
    throw new RangeError(
      `${name} must be a number or an array of ${nGroups} numbers (one per parameter group), got ${JSON.stringify(value)}`,
    );
  }
  return [...value];
}

function checkHyper(name: HyperparameterName, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RangeError(`Optimizer: ${name} must be a finite number, got ${String(v)}`);
  }
  if ((name === 'mom' || name === 'beta') && !(v >= 0 && v < 1)) {
    throw new RangeError(`Optimizer: ${name} must be in [0, 1), got ${v}`);
  }
  if ((name === 'lr' || name === 'wd') && v < 0)
    throw new RangeError(`Optimizer: ${name} must be ≥ 0, got ${v}`);
}
