import type { HostMemory } from './kernel-heap.js';

/** The part of tfjs's WASM backend that owns its memory: the Emscripten module. */
interface EmscriptenModule {
  /** The threaded build's memory (created by its JavaScript, shared with its threads). */
  wasmMemory?: unknown;
  /** The single-threaded build's memory (exported by its module). */
  asm?: { memory?: unknown };
  _malloc?: (bytes: number) => number;
  _free?: (at: number) => void;
}

/** Whether `memory` is shared between threads (its buffer a SharedArrayBuffer). */
export const isSharedMemory = (memory: WebAssembly.Memory) =>
  typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;

/**
 * The memory and allocator of tfjs's WASM backend, for kernels that work on its tensors in place
 * (see `SimdConv.useHostMemory`): a plain memory, or a shared one where tfjs runs its threaded build
 * (a cross-origin isolated page); `undefined` for another backend.
 *
 * @example
 * ```ts
 * SimdConv.useHostMemory(wasmHostMemory(tf.findBackend('wasm')));
 * ```
 */
export function wasmHostMemory(backend: unknown): HostMemory | undefined {
  const wasm = (backend as { wasm?: EmscriptenModule } | undefined)?.wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  const { _malloc: malloc, _free: free } = wasm ?? {};
  if (!(memory instanceof WebAssembly.Memory) || malloc == null || free == null) return undefined;
  return { memory, malloc: (bytes) => malloc(bytes), free: (at) => free(at) };
}
