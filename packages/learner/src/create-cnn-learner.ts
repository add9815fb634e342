import { Linear, type Module, PoolFlatten, Sequential } from '@onecycle/models';
import type { LearnerData } from './data-contract.js';
import { Learner } from './learner.js';
import type { LearnerOptions } from './learner-options.js';

/**
 * The backbones {@link createCnnLearner} knows by name. `'mnist8-cnn'`: the CNN of
 * @onecycle/backbone-mnist8, pretrained on MNIST's digits other than 3 and 7 (28×28 images).
 *
 * @example
 * ```ts
 * const arch: CnnArch = 'mnist8-cnn';
 * ```
 */
export type CnnArch = 'mnist8-cnn';

/**
 * Options of {@link createCnnLearner}: the {@link LearnerOptions} plus the backbone's.
 *
 * @example
 * ```ts
 * const o: CnnLearnerOptions = { pretrained: true, seed: 0, metrics: [accuracy] };
 * ```
 */
export interface CnnLearnerOptions extends LearnerOptions {
  /** Load the pretrained body and freeze it (default true); false: the same network, random weights. */
  pretrained?: boolean;
}

type BackbonePackage = typeof import('@onecycle/backbone-mnist8');

/**
 * The backbone package (an optional peer dependency), loaded on first use under a specifier bundlers
 * do not follow (it reads files).
 */
async function backbonePackage(): Promise<BackbonePackage> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) throw new Error('createCnnLearner: the pretrained backbones need Node.js');
  const specifier = '@onecycle/backbone-mnist8';
  try {
    return (await import(/* @vite-ignore */ specifier)) as BackbonePackage;
  } catch (error) {
    // Node's "Cannot find package" error, possibly wrapped by a loader (as its cause).
    for (const e of [error, (error as Error).cause] as { code?: string; message?: string }[]) {
      if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(specifier)) {
        throw new Error(
          `createCnnLearner: the backbone 'mnist8-cnn' ships in the optional package ${specifier}, which is not installed: install it next to @onecycle/learner`,
        );
      }
    }
    throw error;
  }
}

/**
 * fastai's `cnn_learner`: a {@link Learner} on a backbone whose head is cut off and replaced by a
 * new one for the data's classes — global average pooling and a linear layer with `data.c`
 * outputs. Three layer groups (the body's first half, its second half, the head), so that
 * `fineTune` and `fitOneCycle` with a slice give discriminative learning rates. With `pretrained`
 * (the default) the body has the backbone's trained weights and is frozen, as fastai does. Node only.
 * The caller disposes `learn.model` when done.
 *
 * @param data - The data (its `c` sets the head's outputs).
 * @param arch - The backbone's name.
 * @param options - Learner options, `pretrained`, and `seed` (the head's initialisation; also the
 *   body's when not pretrained).
 * @example
 * ```ts
 * const data = await ImageDataBunch.fromFolder(await untarData(URLs.MNIST_SAMPLE));
 * const learn = await createCnnLearner(data, 'mnist8-cnn', { metrics: [accuracy], seed: 0 });
 * await learn.fineTune(1, 1e-2);
 * ```
 */
export async function createCnnLearner(
  data: LearnerData,
  arch: CnnArch,
  options: CnnLearnerOptions = {},
): Promise<Learner> {
  if (arch !== 'mnist8-cnn') {
    throw new RangeError(`createCnnLearner: unknown arch ${JSON.stringify(arch)}; known: 'mnist8-cnn'`);
  }
  if (data == null || !Number.isInteger(data.c) || data.c < 1) {
    throw new TypeError('createCnnLearner: data must be a DataBunch with c ≥ 1 classes');
  }
  const { pretrained = true, ...learnerOptions } = options;
  const seed = options.seed ?? 0;
  const pkg = await backbonePackage();
  let bodyLayers: Module[];
  if (pretrained) bodyLayers = (await pkg.loadMnist8Body()).layers();
  else {
    const fresh = pkg.mnist8Cnn({ seed }).layers();
    for (const head of fresh.slice(pkg.MNIST8_BODY_LAYERS)) head.dispose();
    bodyLayers = fresh.slice(0, pkg.MNIST8_BODY_LAYERS);
  }
  const head = [new PoolFlatten(), new Linear(pkg.MNIST8_FEATURES, data.c, { seed: seed * 100 + 99 })];
  const n = bodyLayers.length;
  const model = new Sequential(...bodyLayers, ...head).split([Math.floor(n / 2), n]);
  const learn = new Learner(data, model, learnerOptions);
  if (pretrained) learn.freeze();
  return learn;
}
