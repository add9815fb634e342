/** The memory section's id in a WebAssembly binary. */
const MEMORY_SECTION = 5;
/** Memory limits flags: a maximum is given (1); the memory is shared (2, only with a maximum). */
const HAS_MAXIMUM = 1;
const SHARED = 2;

/** Reads the unsigned LEB128 number at `at`; returns it and the offset after it. */
function leb128(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length)
      throw new RangeError(`sharedMemoryBinary: the binary ends inside a LEB128 number (byte ${at})`);
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

/**
 * A copy of the WebAssembly binary `bytes` whose one memory, defined by the module with a maximum, is
 * shared: one flag byte of the memory section changed, the code untouched. Worker threads can then
 * run other modules' kernels on that memory while the module's own code runs on it as before (tfjs's
 * single-threaded WASM build in Node: its tensors are then read by the convolution threads in place).
 * `undefined` when the binary is not of that form (no memory, an imported one, several, already
 * shared, or without a maximum).
 *
 * @example
 * ```ts
 * const shared = sharedMemoryBinary(readFileSync(dir + 'tfjs-backend-wasm-simd.wasm'));
 * if (shared) new WebAssembly.Module(shared); // exports a memory whose buffer is a SharedArrayBuffer
 * ```
 */
export function sharedMemoryBinary(bytes: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return undefined;
  }
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, body] = leb128(bytes, at + 1);
    if (id === MEMORY_SECTION) {
      const [count, flagsAt] = leb128(bytes, body);
      if (count !== 1 || bytes[flagsAt] !== HAS_MAXIMUM) return undefined;
      const copy = new Uint8Array(bytes);
      copy[flagsAt] = HAS_MAXIMUM | SHARED;
      return copy;
    }
    at = body + size;
  }
  return undefined;
}
