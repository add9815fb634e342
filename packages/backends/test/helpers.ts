import * as tf from '@tensorflow/tfjs-core';

/** Deterministic pseudo-random values in [-1, 1) (mulberry32), so both backends get the same inputs. */
export function randomValues(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** max|a − b| / max|b|: the error of `a` relative to the reference `b`'s scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `f` on `backend` and returns the data of the tensors it returns, leaving no tensor behind. */
export async function onBackend(backend: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(f);
  const data = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${backend}: ${after - before} tensors leaked`);
  return data;
}
