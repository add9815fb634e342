// simpleCnn and Adam as the Learner builds them (fastai v1 defaults: lr 1e-3, wd 1e-2, betas
// 0.9/0.99), for the benchmarks that time bare training steps. `packages` holds the built
// `@onecycle/models` and `@onecycle/learner` exports; `tf` is the tfjs-core instance they use.

/**
 * @returns {{ model, vars, opt, step: (x, y, hooks?) => number }} `step` runs one training step
 *   (forward, backward, Adam update) and returns the loss; `hooks.afterForward` is called between the
 *   forward and the backward pass, `hooks.afterBackward` before the update.
 */
export function simpleCnnTrainer(tf, { simpleCnn, Adam, crossEntropy }, classes = 2) {
  const model = simpleCnn([3, 16, 16, classes], undefined, undefined, false, { seed: 0 });
  model.train();
  const params = model.parameters();
  const vars = params.map((p) => p.variable);
  const opt = fastaiAdam(Adam, params);
  const step = (x, y, hooks = {}) => {
    const { value, grads } = tf.variableGrads(() => {
      const loss = crossEntropy(model.forward(x), y);
      hooks.afterForward?.();
      return loss;
    }, vars);
    hooks.afterBackward?.();
    const loss = value.dataSync()[0];
    opt.step(grads);
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  };
  return { model, vars, opt, step };
}

/**
 * The learner's Adam over `params` with fastai v1's defaults (lr 1e-3, true weight decay 1e-2, betas
 * 0.9/0.99), every parameter decayed.
 */
export function fastaiAdam(Adam, params) {
  return new Adam([params.map((p) => ({ name: p.name, variable: p.variable, decay: true }))], {
    lr: 1e-3,
    wd: 1e-2,
    betas: [0.9, 0.99],
  });
}

/**
 * MNIST_SAMPLE from the shipped archive, extracted to a temporary folder (removed after loading),
 * as an `ImageDataBunch` with batch size `bs` and seed 0.
 */
export async function loadMnistSample(root, ImageDataBunch, bs = 64) {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const work = mkdtempSync(join(tmpdir(), 'onecycle-bench-data-'));
  try {
    spawnSync('tar', ['xzf', join(root, 'packages/mnist-sample/data/mnist_sample.tgz'), '-C', work]);
    return await ImageDataBunch.fromFolder(join(work, 'mnist_sample'), { bs, seed: 0 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The built packages the benchmarks drive (run `pnpm build` first) and the tfjs-core instance they
 * use: `{ tf, setupBackend, simpleCnn, resnet, ImageDataBunch, Adam, crossEntropy }`.
 */
export async function builtPackages(root) {
  const { join } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const pkg = (name, file = 'index.js') =>
    import(pathToFileURL(join(root, 'packages', name, 'dist', file)).href);
  const tf = await import(
    pathToFileURL(join(root, 'packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js'))
      .href
  );
  const [{ setupBackend }, { simpleCnn, resnet }, { ImageDataBunch }, { Adam, crossEntropy }] =
    await Promise.all([pkg('backends'), pkg('models'), pkg('vision-data', 'node.js'), pkg('learner')]);
  return { tf, setupBackend, simpleCnn, resnet, ImageDataBunch, Adam, crossEntropy };
}
