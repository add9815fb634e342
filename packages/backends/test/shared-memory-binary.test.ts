import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedMemoryBinary } from '../src/kernels/shared-memory-binary.js';

/** A module with one memory (limits `flags`, 1 page, a maximum of 2 when flagged) exported as "m". */
const moduleWithMemory = (flags: number) =>
  new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...(flags & 1 ? [0x05, 0x04, 0x01, flags, 0x01, 0x02] : [0x05, 0x03, 0x01, flags, 0x01]),
    ...[0x07, 0x05, 0x01, 0x01, 0x6d, 0x02, 0x00], // export "m" = memory 0
  ]);
const memoryOf = (bytes: Uint8Array<ArrayBuffer>) =>
  new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.m as WebAssembly.Memory;

describe('sharedMemoryBinary', () => {
  it('makes the memory a module defines with a maximum shared, and changes nothing else', () => {
    const bytes = moduleWithMemory(1);
    expect(memoryOf(bytes).buffer).toBeInstanceOf(ArrayBuffer);
    const shared = sharedMemoryBinary(bytes)!;
    expect(memoryOf(shared).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...shared].filter((b, i) => b !== bytes[i])).toEqual([3]);
    expect(bytes[11]).toBe(1); // the input is left as it was
  });

  it("does so for tfjs's SIMD build: one byte differs, and it still compiles", () => {
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    const bytes = new Uint8Array(readFileSync(join(dir, 'tfjs-backend-wasm-simd.wasm')));
    const shared = sharedMemoryBinary(bytes)!;
    expect(shared).toHaveLength(bytes.length);
    expect(shared.filter((b, i) => b !== bytes[i])).toHaveLength(1);
    expect(WebAssembly.validate(shared)).toBe(true);
  });

  it('leaves alone what it cannot share: no maximum, already shared, no memory, not WebAssembly', () => {
    expect(sharedMemoryBinary(moduleWithMemory(0))).toBeUndefined();
    expect(sharedMemoryBinary(moduleWithMemory(3))).toBeUndefined();
    expect(
      sharedMemoryBinary(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])),
    ).toBeUndefined();
    expect(sharedMemoryBinary(new TextEncoder().encode('not a module'))).toBeUndefined();
  });

  it('names a truncated section size', () => {
    expect(() =>
      sharedMemoryBinary(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x80])),
    ).toThrow(/ends inside a LEB128 number \(byte 10\)/);
  });
});
