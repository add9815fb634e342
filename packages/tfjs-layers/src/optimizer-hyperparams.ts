import type { HyperparameterName } from '@onecycle/annealing';
import type { HyperparamTarget } from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs';

/**
 * Options of {@link OptimizerHyperparams}.
 *
 * @example
 * ```ts
 * const o: OptimizerHyperparamsOptions = { onWarning: (m) => console.warn(m) };
 * ```
 */
export interface OptimizerHyperparamsOptions {
  /**
   * Receives each warning once (a value the optimizer cannot take, for example a momentum for plain
   * SGD). Default: `console.warn`.
   */
  onWarning?: (message: string) => void;
}

/** The fields of tfjs-core 4.22's optimizers that hold the values they apply. */
interface OptimizerFields {
  learningRate?: number;
  setLearningRate?: (lr: number) => void;
  momentum?: number;
  m?: tf.Scalar;
  beta1?: number;
  accBeta1?: tf.Variable;
}

/**
 * The learning rate and momentum of a tfjs optimizer as the values it really applies, for
 * schedules and the LR finder (a `HyperparamTarget` of `@onecycle/callbacks` with one parameter
 * group). tfjs-core 4.22 reads some of them from fields and some from scalar tensors built once,
 * so a public setter is not always enough: `MomentumOptimizer.setMomentum` only sets a field while
 * `applyGradients` keeps multiplying by the scalar made in the constructor. This class writes
 * where each optimizer reads:
 *
 * | optimizer (`getClassName()`) | `lr` | `mom` |
 * |---|---|---|
 * | `SGD` | `setLearningRate` | — (warns once) |
 * | `Momentum` | `setLearningRate` | the momentum scalar `m`, replaced (the old one disposed) |
 * | `Adam`, `Adamax` | `learningRate` | `beta1`; the running product of past beta1s used for the bias correction is kept exact |
 * | `RMSProp` | `learningRate` | `momentum` |
 * | `Adagrad`, `Adadelta` | `learningRate` | — (warns once) |
 *
 * For Adam and Adamax, after steps with beta1 values b₁ … b_k the first moment is divided by
 * `1 − b₁·…·b_k` (the exact bias correction for a changing beta1; with a constant beta1 it is
 * tfjs's `1 − β₁ᵏ`). `beta` and `wd` are not driven (warns once).
 *
 * @example
 * ```ts
 * const opt = tf.train.momentum(0.01, 0.9);
 * const hp = new OptimizerHyperparams(opt);
 * hp.set('lr', 0.05);
 * hp.set('mom', 0.85); // what applyGradients now multiplies the accumulation by
 * hp.get('mom');       // [0.85]
 * ```
 */
export class OptimizerHyperparams implements HyperparamTarget {
  /** tfjs optimizers have one parameter group. */
  readonly nGroups = 1;
  /** The optimizer's class name (`'SGD'`, `'Momentum'`, `'Adam'`, …). */
  readonly className: string;
  private readonly fields: OptimizerFields;
  private readonly warned = new Set<string>();
  private readonly onWarning: (message: string) => void;

  /**
   * @param optimizer - A tfjs optimizer (`model.optimizer` after `model.compile`).
   * @param options - Where warnings go.
   * @example
   * ```ts
   * new OptimizerHyperparams(model.optimizer, { onWarning: (m) => log.push(m) });
   * ```
   */
  constructor(
    readonly optimizer: tf.Optimizer,
    options: OptimizerHyperparamsOptions = {},
  ) {
    if (optimizer == null || typeof (optimizer as tf.Optimizer).applyGradients !== 'function') {
      throw new TypeError(
        'OptimizerHyperparams: optimizer must be a tfjs Optimizer (compile the model with an optimizer first)',
      );
    }
    this.className = optimizer.getClassName();
    this.fields = optimizer as unknown as OptimizerFields;
    this.onWarning = options.onWarning ?? ((m) => console.warn(m));
  }

  /**
   * Whether the optimizer applies a value of `name`.
   * @example
   * ```ts
   * new OptimizerHyperparams(tf.train.sgd(0.1)).supports('mom'); // false
   * ```
   */
  supports(name: HyperparameterName): boolean {
    if (name === 'lr') return typeof this.fields.learningRate === 'number';
    if (name === 'mom') return ['Momentum', 'Adam', 'Adamax', 'RMSProp'].includes(this.className);
    return false;
  }

  /**
   * The value the optimizer applies now, as a one-element array (`[NaN]` when it has none).
   * @example
   * ```ts
   * hp.get('lr'); // [0.05]
   * ```
   */
  get(name: HyperparameterName): number[] {
    if (!this.supports(name)) return [Number.NaN];
    const f = this.fields;
    if (name === 'lr') return [f.learningRate!];
    return [this.className === 'Adam' || this.className === 'Adamax' ? f.beta1! : f.momentum!];
  }

  /**
   * Sets the value the optimizer applies from its next step on. A value it cannot take is
   * ignored with a warning (once per name).
   * @example
   * ```ts
   * hp.set('lr', [0.01]); // one group
   * hp.set('mom', 0.9);
   * ```
   */
  set(name: HyperparameterName, value: number | readonly number[]): void {
    const v = typeof value === 'number' ? value : value[0];
    if (typeof value !== 'number' && value.length !== 1) {
      throw new RangeError(
        `OptimizerHyperparams: ${name} has ${value.length} values but a tfjs optimizer has 1 parameter group`,
      );
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`OptimizerHyperparams: ${name} must be a finite number, got ${String(v)}`);
    }
    if (!this.supports(name)) {
      this.warnOnce(
        name,
        `${this.className} optimizer has no ${name === 'mom' ? 'momentum' : name} to set: the schedule's ${name} values are ignored` +
          (name === 'mom' && this.className === 'SGD' ? ' (use tf.train.momentum to cycle momentum)' : ''),
      );
      return;
    }
    if (name === 'lr') this.setLr(v);
    else this.setMom(v);
  }

  private setLr(lr: number): void {
    const f = this.fields;
    if (typeof f.setLearningRate === 'function') f.setLearningRate.call(this.optimizer, lr);
    else f.learningRate = lr;
  }

  private setMom(mom: number): void {
    if (!(mom >= 0 && mom < 1)) {
      throw new RangeError(`OptimizerHyperparams: mom must be in [0, 1), got ${mom}`);
    }
    const f = this.fields;
    switch (this.className) {
      case 'Momentum': {
        if (!(f.m instanceof tf.Tensor)) throw this.unsupportedVersion('its momentum scalar m');
        // Always replaced: `momentum` may disagree with `m` after a call to setMomentum.
        const old = f.m;
        f.m = tf.keep(tf.scalar(mom));
        old.dispose();
        f.momentum = mom;
        return;
      }
      case 'Adam':
      case 'Adamax': {
        if (!(f.accBeta1 instanceof tf.Variable) || typeof f.beta1 !== 'number') {
          throw this.unsupportedVersion('beta1 and accBeta1');
        }
        const old = f.beta1;
        if (old === mom) return;
        // tfjs keeps accBeta1 = (product of the beta1s of past steps) × (the current beta1): swap the
        // current factor. A product that already reached 0 (a past beta1 of 0) stays 0.
        if (old !== 0) {
          const acc = f.accBeta1;
          tf.tidy(() => acc.assign(tf.mul(acc, tf.scalar(mom / old))));
        }
        f.beta1 = mom;
        return;
      }
      default:
        f.momentum = mom;
    }
  }

  private unsupportedVersion(what: string): Error {
    return new Error(
      `OptimizerHyperparams: this ${this.className} optimizer has no ${what} (a tfjs version other than 4.22?)`,
    );
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.onWarning(message);
  }
}
