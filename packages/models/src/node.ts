/**
 * Node-only helpers: save and load weights files with `node:fs`. Import from
 * `@onecycle/models/node`; the main entry stays free of Node built-ins for browsers.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@onecycle/atomic-file';
import type { LoadStateDictOptions } from './module.js';
import { Module } from './module.js';
import { deserializeWeights, type SerializeWeightsOptions, serializeWeights } from './weights.js';

function order(a: Module | string, b: Module | string, fn: string): [Module, string] {
  if (a instanceof Module && typeof b === 'string') return [a, b];
  if (typeof a === 'string' && b instanceof Module) return [b, a];
  throw new TypeError(`${fn}: expected (module: Module, path: string)`);
}

/**
 * Saves the module's weights as a safetensors file (PyTorch names and layouts, see
 * `serializeWeights`). Atomic ({@link @onecycle/atomic-file!writeFileAtomic}): a crash never leaves a half-written
 * file; a symbolic link is written through to its target. Creates the parent directory if needed. The arguments
 * may also be given as `(path, module)`.
 *
 * @example
 * ```ts
 * import { saveWeights } from '@onecycle/models/node';
 * await saveWeights(model, 'models/stage-1.safetensors');
 * ```
 */
export async function saveWeights(
  module: Module,
  path: string,
  options?: SerializeWeightsOptions,
): Promise<void>;
export async function saveWeights(
  path: string,
  module: Module,
  options?: SerializeWeightsOptions,
): Promise<void>;
export async function saveWeights(
  a: Module | string,
  b: Module | string,
  options: SerializeWeightsOptions = {},
): Promise<void> {
  const [module, path] = order(a, b, 'saveWeights');
  await writeFileAtomic(path, serializeWeights(module, options));
}

/**
 * Loads a safetensors weights file into the module, checking names and shapes first (a
 * `StateDictMismatchError` naming the file lists every offending tensor; nothing is changed then).
 * The arguments may also be given as `(path, module)`.
 *
 * @example
 * ```ts
 * import { loadWeights } from '@onecycle/models/node';
 * await loadWeights(model, 'models/stage-1.safetensors');
 * ```
 */
export async function loadWeights(
  module: Module,
  path: string,
  options?: LoadStateDictOptions,
): Promise<void>;
export async function loadWeights(
  path: string,
  module: Module,
  options?: LoadStateDictOptions,
): Promise<void>;
export async function loadWeights(
  a: Module | string,
  b: Module | string,
  options: LoadStateDictOptions = {},
): Promise<void> {
  const [module, path] = order(a, b, 'loadWeights');
  const bytes = await readFile(path);
  deserializeWeights(module, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    source: path,
    ...options,
  });
}
