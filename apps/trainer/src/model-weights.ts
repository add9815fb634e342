import { readFile } from 'node:fs/promises';
import { decodeSafetensors, deserializeWeights, type Module, torchStateDict } from '@onecycle/models';
import * as tf from '@tensorflow/tfjs-core';

/** The bytes of a `--load` file, read and checked to be a safetensors file (before any output). */
export interface WeightsFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * Reads the `--load` file and checks that it is a safetensors file, so that a wrong file fails
 * before the run prints anything.
 */
export async function readWeightsFile(path: string): Promise<WeightsFile> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`--load ${path}: cannot read it: ${(e as Error).message}`);
  }
  decodeSafetensors(bytes, `--load ${path}`);
  return { path, bytes };
}

/**
 * Puts the weights of a file read by {@link readWeightsFile} (a `--save` checkpoint or a
 * `saveWeights` file) into `model`. Every weight and buffer of the model must be in the file with
 * its shape (other tensors, such as a checkpoint's optimizer state, are ignored); otherwise nothing
 * changes and the error names the file and what is missing.
 */
export function loadModelWeights(model: Module, { path, bytes }: WeightsFile): void {
  const { tensors } = decodeSafetensors(bytes, `--load ${path}`);
  const missing = [...torchStateDict(model).keys()].filter((k) => !tensors.has(k));
  if (missing.length > 0) {
    throw new Error(
      `--load ${path}: the file lacks ${missing.length} weight(s) of this model (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}): saved from another --model or number of classes?`,
    );
  }
  deserializeWeights(model, bytes, { strict: false, source: `--load ${path}` });
}

/** Whether every weight and buffer of `model` is a finite number. */
export function weightsAreFinite(model: Module): boolean {
  const vars = [...model.parameters(), ...model.buffers()].map((p) => p.variable);
  const ok = tf.tidy(() => tf.all(tf.stack(vars.map((v) => tf.all(tf.isFinite(v))))));
  const finite = ok.dataSync()[0] === 1;
  ok.dispose();
  return finite;
}
