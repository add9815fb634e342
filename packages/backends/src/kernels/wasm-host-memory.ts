import type { HostMemory } from './kernel-heap.js';

/** The part of tfjs's WASM backend that owns its memory: the Emscripten module. */
interface EmscriptenModule {
  asm?: { memory?: unknown };
  _malloc?: (bytes: number) => number;
  _free?: (at: number) => void;
}

/**
 * The memory and allocator of tfjs's WASM backend, for kernels that work on its tensors in place
 * (see `SimdConv.useHostMemory`): `undefined` for another backend, or when its memory is shared (its
 * threaded build), which the one-thread kernels cannot import.
 *
 * @example
 * ```ts
 * SimdConv.useHostMemory(wasmHostMemory(tf.findBackend('wasm')));
 * ```
 */
export function wasmHostMemory(backend: unknown): HostMemory | undefined {
  const wasm = (backend as { wasm?: EmscriptenModule } | undefined)?.wasm;
  const memory = wasm?.asm?.memory;
  const { _malloc: malloc, _free: free } = wasm ?? {};
  if (!(memory instanceof WebAssembly.Memory) || malloc == null || free == null) return undefined;
  if (typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer) return undefined;
  return { memory, malloc: (bytes) => malloc(bytes), free: (at) => free(at) };
}
