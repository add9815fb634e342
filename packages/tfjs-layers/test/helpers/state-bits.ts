// Test helper: the exact bits of a model's weights and of its optimizer's whole state.
import * as tf from '@tensorflow/tfjs';

const bits = (t: tf.Tensor) => [...new Uint32Array((t.dataSync() as Float32Array).slice().buffer)];

/** Every weight's bits, then every own field of the optimizer (tensors as bits, slots as bits, numbers). */
export function stateBits(model: tf.LayersModel): unknown {
  const opt: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(model.optimizer as unknown as Record<string, unknown>)) {
    if (v instanceof tf.Tensor) opt[k] = bits(v);
    else if (Array.isArray(v))
      opt[k] = v.map((s: { originalName: string; variable: tf.Variable }) => [
        s.originalName,
        bits(s.variable),
      ]);
    else opt[k] = v;
  }
  return { weights: model.weights.map((w) => bits(w.read())), optimizer: opt };
}
