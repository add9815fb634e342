// Bundled for the browser by run-browser.mjs: the package as an app uses it (ESM tfjs-core, no Node),
// differentiating a small convnet on WASM (the convolution kernels on 2 threads: the page is
// cross-origin isolated) and on the CPU backend; the result goes to window.__result.
import { SimdConv, setupBackend, wasmHostMemory } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';

const result = {};
try {
  result.choice = await setupBackend('wasm', { wasmPaths: '/wasm/', convThreads: 2 });
  result.isolated = globalThis.crossOriginIsolated === true;
  // The kernels' Web Worker starts once this thread returns to the event loop.
  await new Promise((resolve) => setTimeout(resolve, 500));
  result.startedThreads = SimdConv.load()?.startedThreads;
  // Calls on one thread run in tfjs's memory: shared here, where tfjs runs its threaded build.
  const host = wasmHostMemory(tf.findBackend('wasm'));
  result.inPlace = host != null && SimdConv.load()?.heap.memory === host.memory;
  result.hostShared = host != null && host.memory.buffer instanceof SharedArrayBuffer;
  const x = tf.randomNormal([4, 13, 13, 3], 0, 1, 'float32', 1);
  const w1 = tf.variable(tf.randomNormal([3, 3, 3, 8], 0, 0.5, 'float32', 2), true, 'w1');
  const w2 = tf.variable(tf.randomNormal([3, 3, 8, 4], 0, 0.5, 'float32', 3), true, 'w2');
  const loss = () => {
    const h = tf.maxPool(tf.relu(tf.conv2d(x, w1, 2, 'same')), 3, 2, 'same');
    return tf.mean(tf.square(tf.conv2d(h, w2, 1, 'same')));
  };
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    const { value, grads } = tf.variableGrads(loss);
    result[backend] = {
      loss: value.dataSync()[0],
      w1: Array.from(grads.w1.dataSync()),
      w2: Array.from(grads.w2.dataSync()),
    };
    tf.dispose([value, grads.w1, grads.w2]);
  }
} catch (error) {
  result.error = String(error?.stack ?? error);
}
window.__result = result;
document.title = 'done';
