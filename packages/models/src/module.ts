import * as tf from '@tensorflow/tfjs-core';
import type { NamedBuffer, Parameter, ParamKind, TensorLayout } from './parameter.js';
import { type ShapeMismatch, StateDictMismatchError } from './state-dict-error.js';

/**
 * Options of {@link Module.loadStateDict}.
 *
 * @example
 * ```ts
 * model.loadStateDict(state, { strict: false }); // tolerate missing / unexpected names
 * ```
 */
export interface LoadStateDictOptions {
  /**
   * `true` (default): missing and unexpected names are errors. `false`: they are ignored. Wrong
   * shapes are always an error (as in PyTorch).
   */
  strict?: boolean;
  /** What is being loaded, used in error messages (e.g. a file path). */
  source?: string;
}

/**
 * Options of {@link Module.freezeTo}.
 *
 * @example
 * ```ts
 * model.freezeTo(1, { trainBn: false }); // freeze batch-norm parameters too
 * ```
 */
export interface FreezeOptions {
  /** Keep batch-norm parameters (`kind: 'norm'`) of frozen groups trainable, as fastai does. Default `true`. */
  trainBn?: boolean;
}

interface ParamSlot {
  readonly variable: tf.Variable;
  readonly kind: ParamKind;
  readonly layout: TensorLayout;
}

const LOCAL_NAME = /^[A-Za-z0-9_]+$/;

function checkLocalName(name: string, what: string): void {
  if (!LOCAL_NAME.test(name)) {
    throw new RangeError(`Module: ${what} name must match ${LOCAL_NAME} (no dots), got '${name}'`);
  }
}

/**
 * The base of every layer and model: a PyTorch-like module on tfjs-core with named parameters
 * and buffers, child modules, train/eval mode, layer groups, state dicts and freezing.
 *
 * Subclasses create their parameters with {@link Module.addParameter}, buffers with
 * {@link Module.addBuffer} and children with {@link Module.addModule}, and implement
 * {@link Module.forward}. `forward` creates intermediate tensors: call it inside `tf.tidy`,
 * `tf.variableGrads` or similar.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Module, Linear, ReLU } from '@onecycle/models';
 *
 * class Mlp extends Module {
 *   fc1 = this.addModule('fc1', new Linear(784, 64, { seed: 0 }));
 *   act = this.addModule('act', new ReLU());
 *   fc2 = this.addModule('fc2', new Linear(64, 10, { seed: 1 }));
 *   forward(x: tf.Tensor): tf.Tensor {
 *     return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
 *   }
 * }
 * const mlp = new Mlp();
 * mlp.parameters().map((p) => p.name); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module {
  /** `true` in training mode (batch statistics, dropout on), `false` in eval mode. */
  training = true;
  private readonly childModules = new Map<string, Module>();
  private readonly ownParams = new Map<string, ParamSlot>();
  private readonly ownBuffers = new Map<string, tf.Variable>();
  private disposed = false;

  /**
   * Computes the output for a batch `x` (NHWC for images). Call it inside `tf.tidy` or
   * `tf.variableGrads`: intermediate tensors are not disposed here.
   *
   * @example
   * ```ts
   * const logits = tf.tidy(() => model.forward(x));
   * ```
   */
  abstract forward(x: tf.Tensor): tf.Tensor;

  /**
   * Registers a child module under `name` (its parameters get the prefix `name.`) and returns it.
   *
   * @example
   * ```ts
   * this.conv = this.addModule('conv1', new Conv2d(3, 16, 3));
   * ```
   */
  protected addModule<M extends Module>(name: string, module: M): M {
    checkLocalName(name, 'child');
    if (this.childModules.has(name) || this.ownParams.has(name) || this.ownBuffers.has(name)) {
      throw new Error(`Module: name '${name}' is already used in ${this.constructor.name}`);
    }
    this.childModules.set(name, module);
    return module;
  }

  /**
   * Creates a trainable float32 variable from `values` with `shape` and registers it as `name`.
   *
   * @example
   * ```ts
   * this.weight = this.addParameter('weight', new Float32Array(out * inp), [out, inp], 'weight');
   * ```
   */
  protected addParameter(
    name: string,
    values: Float32Array,
    shape: number[],
    kind: ParamKind,
    layout: TensorLayout = 'plain',
  ): tf.Variable {
    checkLocalName(name, 'parameter');
    if (this.childModules.has(name) || this.ownParams.has(name) || this.ownBuffers.has(name)) {
      throw new Error(`Module: name '${name}' is already used in ${this.constructor.name}`);
    }
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    this.ownParams.set(name, { variable, kind, layout });
    return variable;
  }

  /**
   * Creates a non-trainable float32 variable (a buffer such as batch-norm running statistics).
   *
   * @example
   * ```ts
   * this.runningMean = this.addBuffer('running_mean', new Float32Array(c), [c]);
   * ```
   */
  protected addBuffer(name: string, values: Float32Array, shape: number[]): tf.Variable {
    checkLocalName(name, 'buffer');
    if (this.childModules.has(name) || this.ownParams.has(name) || this.ownBuffers.has(name)) {
      throw new Error(`Module: name '${name}' is already used in ${this.constructor.name}`);
    }
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), false));
    this.ownBuffers.set(name, variable);
    return variable;
  }

  /**
   * The direct children with their names, in registration order.
   *
   * @example
   * ```ts
   * for (const [name, child] of model.namedChildren()) console.log(name, child.constructor.name);
   * ```
   */
  namedChildren(): [string, Module][] {
    return [...this.childModules];
  }

  /**
   * This module and all its descendants with their dotted prefixes (`''` for this module), depth first.
   *
   * @example
   * ```ts
   * const bns = model.namedModules().filter(([, m]) => m instanceof BatchNorm2d);
   * ```
   */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childModules) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  /**
   * All parameters with dotted names, in PyTorch's order (own parameters first, then children).
   *
   * @example
   * ```ts
   * simpleCnn([3, 16, 16, 2]).parameters().map((p) => p.name);
   * // ['0.0.weight', '0.0.bias', '1.0.weight', '1.0.bias', '2.0.weight', '2.0.bias']
   * ```
   */
  parameters(): Parameter[] {
    const out: Parameter[] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, slot] of m.ownParams) {
        out.push({ name: prefix ? `${prefix}.${name}` : name, ...slot });
      }
    }
    return out;
  }

  /**
   * All buffers (batch-norm running statistics) with dotted names.
   *
   * @example
   * ```ts
   * model.buffers().map((b) => b.name); // ['0.2.running_mean', '0.2.running_var', ...]
   * ```
   */
  buffers(): NamedBuffer[] {
    const out: NamedBuffer[] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, variable] of m.ownBuffers) {
        out.push({ name: prefix ? `${prefix}.${name}` : name, variable });
      }
    }
    return out;
  }

  /**
   * Number of parameter values (weights and biases; buffers not counted).
   *
   * @example
   * ```ts
   * simpleCnn([3, 16, 16, 2]).numParameters(); // 3058
   * ```
   */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.variable.size, 0);
  }

  /**
   * Sets training mode (`true`, default) or eval mode (`false`) on this module and all descendants.
   *
   * @example
   * ```ts
   * model.train();        // batch statistics, dropout active
   * model.train(false);   // same as model.eval()
   * ```
   */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /**
   * Eval mode: batch norm uses its running statistics, dropout is the identity.
   *
   * @example
   * ```ts
   * const preds = tf.tidy(() => model.eval().forward(x));
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * The parameters split into layer groups, for discriminative learning rates and freezing.
   * The base class returns one group with every parameter; {@link Sequential.split} changes that.
   *
   * @example
   * ```ts
   * const groups = model.layerGroups();
   * groups.length; // 1 unless split
   * ```
   */
  layerGroups(): Parameter[][] {
    return [this.parameters()];
  }

  /**
   * fastai's `freeze_to(n)`: makes the layer groups before `n` non-trainable and the others
   * trainable (`variable.trainable`). A negative `n` counts from the end. Batch-norm parameters
   * stay trainable unless `trainBn` is `false`.
   *
   * @example
   * ```ts
   * model.split([3]);
   * model.freezeTo(1); // group 0 frozen (except batch norm), group 1 trainable
   * ```
   */
  freezeTo(n: number, options: FreezeOptions = {}): this {
    const groups = this.layerGroups();
    if (!Number.isInteger(n) || n < -groups.length || n > groups.length) {
      throw new RangeError(
        `freezeTo: n must be an integer in [${-groups.length}, ${groups.length}] for ${groups.length} layer groups, got ${n}`,
      );
    }
    const cut = n < 0 ? groups.length + n : n;
    const trainBn = options.trainBn ?? true;
    groups.forEach((group, i) => {
      for (const p of group) p.variable.trainable = i >= cut || (trainBn && p.kind === 'norm');
    });
    return this;
  }

  /**
   * fastai's `freeze()`: freezes every layer group except the last (`freezeTo(-1)`).
   *
   * @example
   * ```ts
   * model.split([3]).freeze(); // only the head trains
   * ```
   */
  freeze(options: FreezeOptions = {}): this {
    return this.freezeTo(-1, options);
  }

  /**
   * Makes every parameter trainable again (`freezeTo(0)`).
   *
   * @example
   * ```ts
   * model.unfreeze();
   * ```
   */
  unfreeze(): this {
    return this.freezeTo(0);
  }

  /**
   * A copy of every parameter and buffer by dotted name (parameters and buffers of each module,
   * then its children), in tfjs layout. The tensors are new handles (cheap: they share memory
   * until the model changes); the caller disposes them.
   *
   * @example
   * ```ts
   * const state = model.stateDict();
   * // ... train ...
   * model.loadStateDict(state);          // back to the saved weights
   * for (const t of state.values()) t.dispose();
   * ```
   */
  stateDict(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      const full = (name: string) => (prefix ? `${prefix}.${name}` : name);
      for (const [name, slot] of m.ownParams) out.set(full(name), tf.clone(slot.variable));
      for (const [name, v] of m.ownBuffers) out.set(full(name), tf.clone(v));
    }
    return out;
  }

  /**
   * Copies tensors (tfjs layout, float32) into the parameters and buffers of the same names.
   * Checks everything before changing anything: a {@link StateDictMismatchError} lists every
   * missing, unexpected and wrongly shaped tensor. The caller keeps ownership of `state`.
   *
   * @example
   * ```ts
   * const copy = simpleCnn([3, 16, 16, 2]);
   * const state = model.stateDict();
   * copy.loadStateDict(state);
   * for (const t of state.values()) t.dispose();
   * ```
   */
  loadStateDict(
    state: ReadonlyMap<string, tf.Tensor> | Readonly<Record<string, tf.Tensor>>,
    options: LoadStateDictOptions = {},
  ): void {
    const strict = options.strict ?? true;
    const source = options.source ?? 'state dict';
    const entries: [string, tf.Tensor][] =
      state instanceof Map ? [...state] : Object.entries(state as Record<string, tf.Tensor>);
    const targets = new Map<string, tf.Variable>();
    for (const p of this.parameters()) targets.set(p.name, p.variable);
    for (const b of this.buffers()) targets.set(b.name, b.variable);
    const given = new Set(entries.map(([name]) => name));
    const missing = [...targets.keys()].filter((name) => !given.has(name));
    const unexpected: string[] = [];
    const wrongShape: ShapeMismatch[] = [];
    for (const [name, t] of entries) {
      const v = targets.get(name);
      if (!v) unexpected.push(name);
      else if (!tf.util.arraysEqual(v.shape, t.shape)) {
        wrongShape.push({ name, expected: v.shape, actual: t.shape });
      }
    }
    if (wrongShape.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
      throw new StateDictMismatchError(missing, unexpected, wrongShape, source);
    }
    for (const [name, t] of entries) {
      if (targets.has(name) && t.dtype !== 'float32') {
        throw new TypeError(`${source}: tensor '${name}' must be float32, got ${t.dtype}`);
      }
    }
    for (const [name, t] of entries) targets.get(name)?.assign(t);
  }

  /**
   * Frees every parameter and buffer of this module and its descendants. The module is unusable afterwards.
   *
   * @example
   * ```ts
   * const model = simpleCnn([3, 16, 16, 2]);
   * model.dispose();
   * ```
   */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      if (m.disposed) continue;
      for (const slot of m.ownParams.values()) slot.variable.dispose();
      for (const v of m.ownBuffers.values()) v.dispose();
      m.disposed = true;
    }
  }

  /**
   * `true` once {@link Module.dispose} has run.
   *
   * @example
   * ```ts
   * model.dispose();
   * model.isDisposed; // true
   * ```
   */
  get isDisposed(): boolean {
    return this.disposed;
  }
}
