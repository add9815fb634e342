import type { LearnerModel, LearnerParameter } from '@onecycle/learner';
import * as tf from '@tensorflow/tfjs';

/**
 * Options of {@link layersLearnerModel}.
 *
 * @example
 * ```ts
 * const o: LayersLearnerModelOptions = { output: 'logits' };
 * ```
 */
export interface LayersLearnerModelOptions {
  /**
   * What the model outputs. The Learner's losses take logits: with `'probabilities'` the adapter
   * hands it `log(clip(p, 1e-7, 1))` (logits of the same softmax; the clip is the one tfjs-layers'
   * `categoricalCrossentropy` applies). `'auto'` (default) means `'probabilities'` when the last
   * layer ends with a softmax, `'logits'` otherwise.
   */
  output?: 'auto' | 'logits' | 'probabilities';
}

/**
 * A tfjs-layers model as the Learner's model ({@link @onecycle/learner!LearnerModel}), with the
 * wrapped model at hand.
 *
 * @example
 * ```ts
 * const m: LayersLearnerModel = layersLearnerModel(model);
 * m.layersModel === model; // true
 * ```
 */
export interface LayersLearnerModel extends LearnerModel {
  /** The wrapped tfjs-layers model (its weights are the Learner's parameters and buffers). */
  readonly layersModel: tf.LayersModel;
}

const EPSILON = 1e-7;

function endsWithSoftmax(model: tf.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  if (!last) return false;
  const config = last.getConfig() as { activation?: unknown };
  return last.getClassName() === 'Softmax' || config.activation === 'softmax';
}

/**
 * Lets the Learner of `@onecycle/learner` train a tfjs-layers model: you keep your
 * `tf.sequential` (or functional) model and get the Learner's `fit`, `fitOneCycle`, `lrFind`,
 * `validate`, `save`/`load` (fastai's training loop, its optimizers and callbacks). The model's
 * trainable weights are the parameters (named `<layer index>.<weight name>`, e.g. `0.kernel`;
 * batch-norm `gamma`/`beta` are of kind `'norm'`), its non-trainable weights (batch-norm moving
 * statistics) the buffers, all in one layer group. `forward` calls the model in training or
 * inference mode (dropout and batch norm follow it). The model need not be compiled: the Learner
 * owns its optimizer.
 *
 * This lives in the subpath `@onecycle/tfjs-layers/learner` and imports only the Learner's types:
 * the package does not depend on `@onecycle/learner` (dependencies point down, and the Learner brings
 * models, data and backends); install it next to this package when you use the Learner.
 *
 * @param model - A tfjs-layers model whose output is `[N, classes]` (logits or probabilities).
 * @param options - What the model outputs.
 * @example
 * ```ts
 * import { Learner, accuracy } from '@onecycle/learner';
 * import { layersLearnerModel } from '@onecycle/tfjs-layers/learner';
 * const learn = new Learner(data, layersLearnerModel(model), { metrics: [accuracy] });
 * await learn.fitOneCycle(2, 1e-2);
 * ```
 */
export function layersLearnerModel(
  model: tf.LayersModel,
  options: LayersLearnerModelOptions = {},
): LayersLearnerModel {
  if (model == null || !Array.isArray(model.layers) || typeof model.apply !== 'function') {
    throw new TypeError(
      'layersLearnerModel: model must be a tfjs-layers LayersModel (tf.sequential, tf.model)',
    );
  }
  const mode = options.output ?? 'auto';
  if (!['auto', 'logits', 'probabilities'].includes(mode)) {
    throw new RangeError(
      `layersLearnerModel: output must be 'auto', 'logits' or 'probabilities', got '${mode}'`,
    );
  }
  const probabilities = mode === 'probabilities' || (mode === 'auto' && endsWithSoftmax(model));
  const parameters: LearnerParameter[] = [];
  const buffers: { name: string; variable: tf.Variable }[] = [];
  const trainable = new Set(model.trainableWeights.map((w) => w.read().id));
  const taken = new Set<string>();
  model.layers.forEach((layer, i) => {
    const isNorm = layer.getClassName() === 'BatchNormalization';
    for (const w of layer.weights) {
      const short = w.originalName.split('/').pop() ?? w.originalName;
      let name = `${i}.${short}`;
      for (let k = 1; taken.has(name); k++) name = `${i}.${short}_${k}`;
      taken.add(name);
      const variable = w.read() as tf.Variable;
      if (!trainable.has(variable.id)) buffers.push({ name, variable });
      else {
        const kind = isNorm ? 'norm' : short === 'bias' ? 'bias' : 'weight';
        parameters.push({ name, variable, kind });
      }
    }
  });
  const adapter: LayersLearnerModel = {
    layersModel: model,
    training: true,
    train(on = true) {
      adapter.training = on;
      return adapter;
    },
    eval() {
      adapter.training = false;
      return adapter;
    },
    forward(x: tf.Tensor): tf.Tensor {
      const out = model.apply(x, { training: adapter.training });
      if (!(out instanceof tf.Tensor)) {
        throw new TypeError('layersLearnerModel: the model must have one output tensor');
      }
      return probabilities ? tf.log(tf.clipByValue(out, EPSILON, 1)) : out; // called inside the Learner's tf.tidy
    },
    parameters: () => parameters,
    buffers: () => buffers,
    layerGroups: () => [parameters],
  };
  return adapter;
}
