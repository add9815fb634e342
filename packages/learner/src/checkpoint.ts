import {
  decodeSafetensors,
  deserializeWeights,
  encodeSafetensors,
  Module,
  type SafetensorsTensor,
  torchStateDict,
} from '@onecycle/models';
import * as tf from '@tensorflow/tfjs-core';
import type { LearnerModel } from './model-contract.js';
import { disposeOptimizerState, type Hyperparams, type OptimizerState } from './optimizer.js';
import type { RunPosition } from './run-tracker.js';

/**
 * The `__metadata__` key under which a learner checkpoint keeps its JSON description.
 *
 * @example
 * ```ts
 * const { metadata } = decodeSafetensors(bytes);
 * JSON.parse(metadata[CHECKPOINT_METADATA_KEY]!).run;
 * ```
 */
export const CHECKPOINT_METADATA_KEY = 'onecycle.learner';
/** Prefix of the optimizer-state tensors in a checkpoint. */
const OPT_PREFIX = 'optimizer.';

/**
 * The description stored in a learner checkpoint next to its tensors.
 *
 * @example
 * ```ts
 * const { meta } = readCheckpointMeta(bytes);
 * console.log(meta.run?.iteration, meta.optimizer.kind);
 * ```
 */
export interface CheckpointMeta {
  /** Always 'onecycle-learner'. */
  format: 'onecycle-learner';
  /** Format version, 1. */
  version: 1;
  /**
   * 'torch': the model's tensors use PyTorch names and layouts (a `Module` of @onecycle/models;
   * the file loads with `loadWeights(model, path, { strict: false })` or PyTorch's safetensors);
   * 'tfjs': any other model, tensors by parameter name in tfjs layout.
   */
  weights: 'torch' | 'tfjs';
  /** The optimizer: kind, hyperparameters per group, step counts and state keys per parameter. */
  optimizer: {
    kind: string;
    hypers: Hyperparams[];
    steps: Record<string, number>;
    keys: Record<string, string[]>;
  };
  /** The unfinished (or last) run's position, if any. */
  run: RunPosition | null;
  /** The learner's seed option, if any. */
  seed: number | null;
}

/**
 * Encodes a model, an optimizer state and a description into one safetensors file (bytes).
 * Optimizer tensors are stored as `optimizer.<parameter>.<key>` in tfjs layout; `extra` metadata
 * strings are stored beside the description.
 *
 * @example
 * ```ts
 * const bytes = packCheckpoint(model, opt.stateDict(), meta);
 * ```
 */
export function packCheckpoint(
  model: LearnerModel,
  optState: OptimizerState,
  meta: Omit<CheckpointMeta, 'format' | 'version' | 'weights' | 'optimizer'>,
  extra: Readonly<Record<string, string>> = {},
): Uint8Array {
  if (CHECKPOINT_METADATA_KEY in extra) {
    throw new RangeError(
      `packCheckpoint: the metadata key '${CHECKPOINT_METADATA_KEY}' is the learner's own`,
    );
  }
  const tensors = new Map<string, SafetensorsTensor>();
  const torch = model instanceof Module;
  if (torch) for (const [k, v] of torchStateDict(model)) tensors.set(k, v);
  else {
    for (const p of [...model.parameters(), ...model.buffers()])
      tensors.set(p.name, toSafetensor(p.variable));
  }
  const steps: Record<string, number> = {};
  const keys: Record<string, string[]> = {};
  for (const [name, st] of Object.entries(optState.params)) {
    steps[name] = st.step;
    keys[name] = Object.keys(st.tensors);
    for (const [k, t] of Object.entries(st.tensors))
      tensors.set(`${OPT_PREFIX}${name}.${k}`, toSafetensor(t));
  }
  const full: CheckpointMeta = {
    format: 'onecycle-learner',
    version: 1,
    weights: torch ? 'torch' : 'tfjs',
    optimizer: { kind: optState.kind, hypers: optState.hypers, steps, keys },
    ...meta,
  };
  return encodeSafetensors(tensors, { ...extra, [CHECKPOINT_METADATA_KEY]: JSON.stringify(full) });
}

function toSafetensor(t: tf.Tensor): SafetensorsTensor {
  if (t.dtype !== 'float32')
    throw new TypeError(`checkpoint: tensor of dtype ${t.dtype}; only float32 is stored`);
  return { dtype: 'F32', shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) };
}

function parseMeta(metadata: Record<string, string>, source: string): CheckpointMeta {
  const raw = metadata[CHECKPOINT_METADATA_KEY];
  if (raw === undefined) {
    throw new Error(
      `${source}: not a learner checkpoint (no '${CHECKPOINT_METADATA_KEY}' metadata); for plain weights use loadWeights`,
    );
  }
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(raw) as CheckpointMeta;
  } catch (e) {
    throw new Error(`${source}: the checkpoint description is not valid JSON: ${(e as Error).message}`);
  }
  if (meta == null || meta.format !== 'onecycle-learner' || meta.version !== 1) {
    throw new Error(`${source}: unsupported checkpoint format ${meta?.format} version ${meta?.version}`);
  }
  return meta;
}

/**
 * The description of a learner checkpoint, without touching any model.
 *
 * @example
 * ```ts
 * const meta = readCheckpointMeta(bytes);
 * meta.run?.iteration; // where the saved run stopped
 * ```
 */
export function readCheckpointMeta(bytes: Uint8Array, source = 'checkpoint'): CheckpointMeta {
  return parseMeta(decodeSafetensors(bytes, source).metadata, source);
}

/**
 * Reads a learner checkpoint: puts the weights into `model` and returns the optimizer state (the
 * caller disposes its tensors) and the description. Errors name `source` and what does not fit;
 * the model is changed only when every part of the file is valid.
 *
 * @example
 * ```ts
 * const { optState, meta } = unpackCheckpoint(bytes, model, 'ckpt.safetensors');
 * ```
 */
export function unpackCheckpoint(
  bytes: Uint8Array,
  model: LearnerModel,
  source = 'checkpoint',
): { optState: OptimizerState; meta: CheckpointMeta } {
  const { optState, meta, applyWeights } = readCheckpoint(bytes, model, source);
  try {
    applyWeights();
  } catch (e) {
    disposeOptimizerState(optState);
    throw e;
  }
  return { optState, meta };
}

/**
 * A checkpoint read and checked against `model` without changing it: its description (run
 * position included), the optimizer state (the caller disposes its tensors) and a function that
 * puts the weights into the model. Errors name `source`.
 */
export function readCheckpoint(
  bytes: Uint8Array,
  model: LearnerModel,
  source: string,
): { optState: OptimizerState; meta: CheckpointMeta; applyWeights: () => void } {
  const file = decodeSafetensors(bytes, source);
  const meta = parseMeta(file.metadata, source);
  if (meta.run != null) checkRunPosition(meta.run, source);
  const all = [...model.parameters(), ...model.buffers()];
  const missing = all.map((p) => p.name).filter((n) => !file.tensors.has(n));
  if (missing.length > 0)
    throw new Error(`${source}: the checkpoint lacks model tensors ${missing.join(', ')}`);
  const torch = model instanceof Module;
  if ((meta.weights === 'torch') !== torch) {
    throw new Error(
      `${source}: weights were saved in ${meta.weights} layout, the model needs ${torch ? 'torch' : 'tfjs'} layout`,
    );
  }
  if (!torch) {
    for (const p of all) {
      const t = file.tensors.get(p.name)!;
      if (!tf.util.arraysEqual([...t.shape], p.variable.shape)) {
        throw new RangeError(`${source}: ${p.name} has shape [${t.shape}], the model [${p.variable.shape}]`);
      }
    }
  }
  const opt = meta.optimizer;
  if (opt == null || typeof opt.steps !== 'object' || opt.steps === null || typeof opt.keys !== 'object') {
    throw new Error(`${source}: the checkpoint description has no optimizer steps and keys`);
  }
  const params: OptimizerState['params'] = {};
  try {
    for (const [name, step] of Object.entries(opt.steps)) {
      const tensors: Record<string, tf.Tensor> = {};
      params[name] = { step, tensors };
      for (const k of opt.keys[name] ?? []) {
        const t = file.tensors.get(`${OPT_PREFIX}${name}.${k}`);
        if (t === undefined) throw new Error(`${source}: optimizer state ${name}.${k} is missing`);
        tensors[k] = tf.tensor(t.data as Float32Array, [...t.shape], 'float32');
      }
    }
  } catch (e) {
    for (const p of Object.values(params)) tf.dispose(Object.values(p.tensors));
    throw e;
  }
  const applyWeights = (): void => {
    if (torch) deserializeWeights(model, bytes, { strict: false, source });
    else {
      for (const p of all) {
        const t = file.tensors.get(p.name)!;
        tf.tidy(() => p.variable.assign(tf.tensor(t.data as Float32Array, p.variable.shape, 'float32')));
      }
    }
  };
  return { optState: { kind: opt.kind, hypers: opt.hypers, params }, meta, applyWeights };
}

const POSITION_COUNTS = ['nBatches', 'epoch', 'batch', 'iteration', 'smoothCount', 'epochLossCount'] as const;
const POSITION_NUMBERS = ['smoothAvg', 'epochLossSum'] as const;

function checkRunPosition(run: RunPosition, source: string): void {
  const bad = (what: string): never => {
    throw new Error(`${source}: the saved run position is not valid: ${what}`);
  };
  if (typeof run !== 'object') bad('not an object');
  if (run.config == null || typeof run.config !== 'object' || typeof run.config.kind !== 'string') {
    bad('config has no kind');
  }
  for (const k of POSITION_COUNTS) {
    const v = run[k] as unknown;
    if (!Number.isInteger(v) || (v as number) < 0)
      bad(`${k} is ${JSON.stringify(v)}, expected an integer ≥ 0`);
  }
  for (const k of POSITION_NUMBERS) {
    if (typeof run[k] !== 'number') bad(`${k} is ${JSON.stringify(run[k])}, expected a number`);
  }
  if (typeof run.finished !== 'boolean')
    bad(`finished is ${JSON.stringify(run.finished)}, expected true or false`);
  if (!Number.isInteger(run.config.nEpochs) || run.epoch > run.config.nEpochs || run.batch > run.nBatches) {
    bad(
      `epoch ${run.epoch}, batch ${run.batch} lie outside ${run.config.nEpochs} epochs of ${run.nBatches} batches`,
    );
  }
}
