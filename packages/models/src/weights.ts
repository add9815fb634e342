import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm2d } from './layers/batch-norm2d.js';
import type { LoadStateDictOptions, Module } from './module.js';
import type { TensorLayout } from './parameter.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { type ShapeMismatch, StateDictMismatchError } from './state-dict-error.js';

/**
 * Options of {@link serializeWeights}.
 *
 * @example
 * ```ts
 * const opts: SerializeWeightsOptions = { metadata: { epoch: '3' } };
 * ```
 */
export interface SerializeWeightsOptions {
  /** Extra `__metadata__` strings (`format: 'pt'` is always written). */
  metadata?: Record<string, string>;
}

/** tfjs [kh, kw, in, out] → PyTorch [out, in, kh, kw]. */
function hwioToOihw(data: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let i = 0; i < ci!; i++)
        for (let o = 0; o < co!; o++) {
          out[((o * ci! + i) * kh! + y) * kw! + x] = data[((y * kw! + x) * ci! + i) * co! + o]!;
        }
  return out;
}

/** PyTorch [out, in, kh, kw] → tfjs [kh, kw, in, out]. */
function oihwToHwio(data: Float32Array, [co, ci, kh, kw]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < co!; o++)
    for (let i = 0; i < ci!; i++)
      for (let y = 0; y < kh!; y++)
        for (let x = 0; x < kw!; x++) {
          out[((y * kw! + x) * ci! + i) * co! + o] = data[((o * ci! + i) * kh! + y) * kw! + x]!;
        }
  return out;
}

function torchShape(shape: readonly number[], layout: TensorLayout): number[] {
  return layout === 'conv2d' ? [shape[3]!, shape[2]!, shape[0]!, shape[1]!] : [...shape];
}

interface Slot {
  readonly variable: tf.Variable;
  readonly layout: TensorLayout;
}

function slots(module: Module): Map<string, Slot> {
  const out = new Map<string, Slot>();
  for (const p of module.parameters()) out.set(p.name, { variable: p.variable, layout: p.layout });
  for (const b of module.buffers()) out.set(b.name, { variable: b.variable, layout: 'plain' });
  return out;
}

function batchNorms(module: Module): Map<string, BatchNorm2d> {
  const out = new Map<string, BatchNorm2d>();
  for (const [prefix, m] of module.namedModules()) {
    if (m instanceof BatchNorm2d)
      out.set(prefix ? `${prefix}.num_batches_tracked` : 'num_batches_tracked', m);
  }
  return out;
}

/**
 * The module's state as PyTorch would hold it: dotted names, PyTorch layouts (conv weights
 * `[out, in, kh, kw]`), float32 values, plus `num_batches_tracked` (I64) for every batch norm.
 *
 * @example
 * ```ts
 * import { torchStateDict } from '@onecycle/models';
 * torchStateDict(simpleCnn([3, 16, 16, 2])).get('0.0.weight')?.shape; // [16, 3, 3, 3]
 * ```
 */
export function torchStateDict(module: Module): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  const bns = batchNorms(module);
  for (const [name, { variable, layout }] of slots(module)) {
    const values = variable.dataSync() as Float32Array;
    const data = layout === 'conv2d' ? hwioToOihw(values, variable.shape) : Float32Array.from(values);
    out.set(name, { dtype: 'F32', shape: torchShape(variable.shape, layout), data });
  }
  for (const [name, bn] of bns) {
    out.set(name, { dtype: 'I64', shape: [], data: new Float64Array([bn.numBatchesTracked]) });
  }
  return out;
}

/**
 * Serialises the module's parameters and buffers as a safetensors file with PyTorch names and
 * layouts, loadable in PyTorch into the equivalent `nn.Sequential` with
 * `model.load_state_dict(safetensors.torch.load_file(path))`. Works in browsers and Node.
 *
 * @example
 * ```ts
 * import { serializeWeights } from '@onecycle/models';
 * const bytes = serializeWeights(model); // Uint8Array
 * const url = URL.createObjectURL(new Blob([bytes])); // e.g. offer it as a download
 * ```
 */
export function serializeWeights(module: Module, options: SerializeWeightsOptions = {}): Uint8Array {
  return encodeSafetensors(torchStateDict(module), { ...options.metadata, format: 'pt' });
}

/**
 * Loads a safetensors file (bytes) written by {@link serializeWeights} or by PyTorch
 * (`safetensors.torch.save_file(model.state_dict(), path)`) into `module`. Names and shapes are
 * checked first: a {@link StateDictMismatchError} lists every missing, unexpected and wrongly
 * shaped tensor (shapes in PyTorch layout), and nothing is changed. `num_batches_tracked` entries
 * are optional. F64/F16/BF16 weights are converted to float32.
 *
 * @example
 * ```ts
 * import { deserializeWeights } from '@onecycle/models';
 * const bytes = new Uint8Array(await (await fetch('model.safetensors')).arrayBuffer());
 * deserializeWeights(model, bytes);
 * ```
 */
export function deserializeWeights(
  module: Module,
  bytes: Uint8Array,
  options: LoadStateDictOptions = {},
): void {
  const source = options.source ?? 'safetensors data';
  const strict = options.strict ?? true;
  const { tensors } = decodeSafetensors(bytes, source);
  const targets = slots(module);
  const bns = batchNorms(module);
  const missing = [...targets.keys()].filter((name) => !tensors.has(name));
  const unexpected: string[] = [];
  const wrongShape: ShapeMismatch[] = [];
  for (const [name, t] of tensors) {
    const slot = targets.get(name);
    if (slot) {
      const expected = torchShape(slot.variable.shape, slot.layout);
      if (!tf.util.arraysEqual(expected, t.shape as number[]))
        wrongShape.push({ name, expected, actual: t.shape });
    } else if (bns.has(name)) {
      if (t.shape.length !== 0) wrongShape.push({ name, expected: [], actual: t.shape });
    } else {
      unexpected.push(name);
    }
  }
  if (wrongShape.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
    throw new StateDictMismatchError(missing, unexpected, wrongShape, source);
  }
  for (const [name, t] of tensors) {
    const isFloat = t.data instanceof Float32Array;
    if (targets.has(name) && !isFloat) {
      throw new TypeError(
        `${source}: tensor '${name}' must have a float dtype (F32, F64, F16, BF16), got ${t.dtype}`,
      );
    }
    if (bns.has(name) && isFloat) {
      throw new TypeError(`${source}: tensor '${name}' must have an integer dtype, got ${t.dtype}`);
    }
  }
  for (const [name, t] of tensors) {
    const slot = targets.get(name);
    if (slot) {
      const data = t.data as Float32Array;
      const values = slot.layout === 'conv2d' ? oihwToHwio(data, t.shape as number[]) : data;
      tf.tidy(() => slot.variable.assign(tf.tensor(values, slot.variable.shape, 'float32')));
    } else {
      const bn = bns.get(name);
      if (bn) bn.numBatchesTracked = Number(t.data[0]);
    }
  }
}
