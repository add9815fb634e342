import { type ConvGeometry, geometryKey, geometryWords } from './conv-geometry.js';
import type { KernelExports } from './kernel-module.js';

const PAGE = 65536;

/** The first 128 bytes hold the geometry of the call (read by the kernels at address 0). */
const CONTROL_BYTES = 128;
/** Int32 slots of one worker's control block (see `worker-pool.ts`). */
export const CONTROL_INTS = 16;
/** The most threads the kernels run on (the calling thread and 7 workers). */
export const MAX_THREADS = 8;
/** Scratch regions start after the workers' control blocks and the job block. */
const FIRST_REGION = CONTROL_BYTES + (MAX_THREADS + 1) * CONTROL_INTS * 4;
/** Bytes of patch matrices kept between a forward pass and its filter gradient. */
const PATCH_CAPACITY = 32 * 2 ** 20;

/** Byte offset of worker `i`'s control block. */
export const controlOffset = (i: number) => CONTROL_BYTES + i * CONTROL_INTS * 4;
/** Byte offset of the job block: the job all threads claim chunks of (see `worker-pool.ts`). */
export const JOB_BLOCK = controlOffset(MAX_THREADS);

/**
 * The kernels' WebAssembly memory as the calls use it: the geometry at address 0, the workers' control
 * blocks, the patch matrices kept from forward passes, then the call's regions (laid out afresh by each
 * call, the memory growing to fit), and the copies of tensors in and out of it.
 */
export class KernelHeap {
  /** Patch matrices kept by `forward` for `filterGrad`, by the input's data id; they sit first. */
  private readonly patches = new Map<object, { geometry: string; at: number }>();
  private patchBytes = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly fns: KernelExports,
  ) {}

  /** A view of the whole memory (taken afresh: growing the memory detaches older views). */
  floats(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /** Byte offsets of regions of the given float counts (16-byte aligned), growing the memory to fit. */
  regions(floats: number[]): number[] | null {
    const offsets: number[] = [];
    let at = FIRST_REGION + this.patchBytes;
    for (const count of floats) {
      offsets.push(at);
      at += (count * 4 + 15) & ~15;
    }
    const have = this.memory.buffer.byteLength;
    if (at > have) {
      try {
        this.memory.grow(Math.ceil((at - have) / PAGE));
      } catch {
        return null; // beyond the memory's maximum: the caller falls back
      }
    }
    return offsets;
  }

  /** {@link KernelHeap.regions}, and the geometry written where the convolution kernels read it. */
  layout(g: ConvGeometry, floats: number[]): number[] | null {
    const offsets = this.regions(floats);
    if (offsets != null) new Int32Array(this.memory.buffer, 0, 18).set(geometryWords(g));
    return offsets;
  }

  /** Copies `values` to byte offset `at`. */
  set(at: number, values: Float32Array): void {
    this.floats().set(values, at >> 2);
  }

  /** `count` floats at byte offset `at`, copied into `dst`. */
  get(at: number, dst: Float32Array, count = dst.length): void {
    dst.set(this.floats().subarray(at >> 2, (at >> 2) + count));
  }

  /**
   * Copies `rows × cols` values into rows of `stride` floats at byte offset `at` (padding left as is):
   * one copy when `cols === stride`, else one copy to the staging region `stage` and a SIMD pass.
   */
  setPadded(at: number, src: Float32Array, rows: number, cols: number, stride: number, stage: number): void {
    if (cols === stride) {
      this.floats().set(src.subarray(0, rows * cols), at >> 2);
      return;
    }
    this.floats().set(src.subarray(0, rows * cols), stage >> 2);
    this.fns.pad_rows(at, stage, rows, cols, stride);
  }

  /** Copies `rows × cols` values out of rows of `stride` floats at byte offset `at` (through `stage`). */
  getPadded(at: number, dst: Float32Array, rows: number, cols: number, stride: number, stage: number): void {
    if (cols !== stride) {
      this.fns.unpad_rows(stage, at, rows, cols, stride);
      at = stage;
    }
    this.get(at, dst, rows * cols);
  }

  /** Room for the whole patch matrix of `g` under `key` (dropping older ones if full), or undefined. */
  keepPatches(g: ConvGeometry, key: object): number | undefined {
    const bytes = (g.p * g.k4 * 4 + 16 + 15) & ~15;
    if (bytes > PATCH_CAPACITY) return undefined;
    this.dropPatches(key);
    if (this.patchBytes + bytes > PATCH_CAPACITY) {
      this.patches.clear(); // older steps' matrices, never used: start over
      this.patchBytes = 0;
    }
    const at = FIRST_REGION + this.patchBytes;
    this.patchBytes += bytes;
    this.patches.set(key, { geometry: geometryKey(g), at });
    return at;
  }

  /** Where the patch matrix kept under `key` for geometry `g` is, if any. */
  keptPatches(g: ConvGeometry, key: object | undefined): number | undefined {
    const entry = key === undefined ? undefined : this.patches.get(key);
    return entry?.geometry === geometryKey(g) ? entry.at : undefined;
  }

  /** Forgets the patch matrix kept under `key`; the space is reused once none is left. */
  dropPatches(key: object): void {
    if (this.patches.delete(key) && this.patches.size === 0) this.patchBytes = 0;
  }
}
