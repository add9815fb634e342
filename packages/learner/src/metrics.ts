import * as tf from '@tensorflow/tfjs-core';

/**
 * A metric: model output and targets of one validation batch in, the batch's value (a scalar
 * tensor, the mean over the batch) out. The learner averages it over the validation set weighted by
 * batch size, as fastai v1 does. `metricName` (else the function's `name`) names it in
 * `state.metrics` and in the results table.
 *
 * @example
 * ```ts
 * const top1: MetricFunc = Object.assign(
 *   (out: tf.Tensor, y: tf.Tensor) => tf.mean(tf.cast(tf.equal(tf.argMax(out, 1), y), 'float32')) as tf.Scalar,
 *   { metricName: 'top1' },
 * );
 * ```
 */
export type MetricFunc = ((output: tf.Tensor, target: tf.Tensor) => tf.Scalar) & {
  readonly metricName?: string;
};

/**
 * Gives a metric function a name that survives minification.
 *
 * @example
 * ```ts
 * const meanProb = defineMetric('meanProb', (out) => tf.mean(tf.softmax(out)) as tf.Scalar);
 * new Learner(data, model, { metrics: [accuracy, meanProb] });
 * ```
 */
export function defineMetric(
  name: string,
  func: (output: tf.Tensor, target: tf.Tensor) => tf.Scalar,
): MetricFunc {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('defineMetric: name must be a non-empty string');
  if (typeof func !== 'function') throw new TypeError(`defineMetric: func of ${name} must be a function`);
  return Object.assign((output: tf.Tensor, target: tf.Tensor) => func(output, target), { metricName: name });
}

/**
 * The name a metric is reported under: its `metricName`, else the function's name.
 *
 * @example
 * ```ts
 * metricName(accuracy);  // 'accuracy'
 * metricName(errorRate); // 'errorRate'
 * ```
 */
export function metricName(metric: MetricFunc): string {
  const name = metric.metricName ?? metric.name;
  if (!name) throw new TypeError('metric has no name: wrap it with defineMetric(name, func)');
  return name;
}

function correct(output: tf.Tensor, target: tf.Tensor): tf.Tensor {
  if (output.rank !== 2) throw new RangeError(`accuracy: output must be [N, C], got shape [${output.shape}]`);
  if (target.rank !== 1 || target.shape[0] !== output.shape[0]) {
    throw new RangeError(
      `accuracy: target must be [${output.shape[0]}] class indices, got shape [${target.shape}]`,
    );
  }
  return tf.cast(tf.equal(tf.argMax(output, 1), tf.cast(target, 'int32')), 'float32');
}

/**
 * Fraction of the batch whose largest logit is the target class (fastai's `accuracy`).
 *
 * @example
 * ```ts
 * new Learner(data, model, { metrics: [accuracy] });
 * accuracy(tf.tensor2d([[2, 0], [0, 2]]), tf.tensor1d([0, 0], 'int32')).dataSync(); // [0.5]
 * ```
 */
export const accuracy: MetricFunc = defineMetric('accuracy', (output, target) =>
  tf.tidy(() => tf.mean(correct(output, target)) as tf.Scalar),
);

/**
 * `1 − accuracy` (fastai's `error_rate`).
 *
 * @example
 * ```ts
 * new Learner(data, model, { metrics: [errorRate] });
 * ```
 */
export const errorRate: MetricFunc = defineMetric('errorRate', (output, target) =>
  tf.tidy(() => tf.sub(tf.scalar(1), tf.mean(correct(output, target))) as tf.Scalar),
);
