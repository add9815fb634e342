import { type ConvGeometry, geometryKey, geometryWords } from './conv-geometry.js';
import type { KernelExports } from './kernel-module.js';

const PAGE = 65536;

/** The first 128 bytes hold the geometry of the call (read by the kernels at the heap's base). */
const GEOMETRY_BYTES = 128;
/** Int32 slots of one of the worker pool's blocks: a worker's control block, or the job block (see `worker-pool.ts`). */
export const CONTROL_INTS = 16;
/** The most threads the kernels run on (the calling thread and 7 workers). */
export const MAX_THREADS = 8;
/** Bytes of the worker pool's blocks: one per worker, then the job block. */
export const POOL_BYTES = (MAX_THREADS + 1) * CONTROL_INTS * 4;
/** Bytes of patch matrices kept between a forward pass and its filter gradient. */
const PATCH_CAPACITY = 32 * 2 ** 20;
/** The first block taken from a host's allocator (grown by half again when a call needs more). */
const FIRST_BLOCK = 4 * 2 ** 20;

/** One byte offset per region asked for. */
type Offsets<T extends readonly number[]> = { -readonly [K in keyof T]: number };

/**
 * The allocator of a memory the kernels share with its owner — tfjs's WASM backend, whose tensors the
 * kernels then read and write in place instead of copying them in and out.
 *
 * @example
 * ```ts
 * const host: HostMemory | undefined = wasmHostMemory(tf.findBackend('wasm'));
 * if (host) SimdConv.useHostMemory(host);
 * ```
 */
export interface HostMemory {
  memory: WebAssembly.Memory;
  /** Bytes → byte offset of a new block (0 when out of memory). */
  malloc(bytes: number): number;
  free(at: number): void;
}

/**
 * The kernels' part of a WebAssembly memory as the calls use it, from its base: the geometry, the
 * patch matrices kept from forward passes, then the call's regions (laid out afresh by each call).
 * In a memory of its own the base is 0, the worker pool's blocks follow the geometry, and the memory
 * grows to fit; in a {@link HostMemory} it is a block of the host's, taken again larger when a call
 * needs more (the pool's blocks are a block of their own there, which does not move). Arrays
 * that live in the same memory (the host's tensors) are used where they are; others are copied in
 * and out.
 */
export class KernelHeap {
  /** Patch matrices kept by `forward` for `filterGrad`, by the input's data id; offsets from the base. */
  private readonly patches = new Map<object, { geometry: string; at: number }>();
  private patchBytes = 0;
  /** Where the heap starts in the memory, and (in a host's memory) the bytes of its block. */
  private start = 0;
  private blockBytes = 0;
  /** The host's block as its allocator returned it (the base is rounded up to 16 bytes). */
  private raw = 0;
  /** The host's block for the worker pool, as its allocator returned it (0: none taken). */
  private rawPool = 0;

  /** Where the kept patches start, from the base: after the geometry (and the pool's blocks in a memory of the kernels' own). */
  private readonly firstRegion: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly fns: KernelExports,
    private readonly host?: HostMemory,
  ) {
    this.firstRegion = GEOMETRY_BYTES + (host == null ? POOL_BYTES : 0);
  }

  /** Byte offset of the heap's start, where the geometry is. */
  get base(): number {
    return this.start;
  }

  /**
   * Byte offset of `POOL_BYTES` for the worker pool's blocks, which stay in place while the heap
   * moves: after the geometry in a memory of the kernels' own (whose base is 0), else a block of the
   * host's own, taken on the first call. Null when the host has no room.
   */
  poolBlocks(): number | null {
    if (this.host == null) return GEOMETRY_BYTES;
    if (this.rawPool === 0) this.rawPool = this.host.malloc(POOL_BYTES + 16);
    return this.rawPool === 0 ? null : (this.rawPool + 15) & ~15;
  }

  /**
   * Gives the host the heap's block back (the heap is not used again). The pool's blocks are kept: a
   * stopped worker may still read its job block until its thread has ended, and 576 bytes of memory
   * that nothing else writes are the safe price.
   */
  release(): void {
    if (this.host == null) return;
    if (this.raw !== 0) this.host.free(this.raw);
    this.raw = this.start = this.blockBytes = 0;
    this.patches.clear();
    this.patchBytes = 0;
  }

  /** A view of the whole memory (taken afresh: growing the memory detaches older views). */
  floats(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /**
   * Where `values` are in this memory (their byte offset), or `undefined` when they live elsewhere and
   * must be copied (or are absent). Take it before {@link KernelHeap.regions}: growing a memory detaches its views.
   */
  addressOf(values: Float32Array | null | undefined): number | undefined {
    return values?.buffer === this.memory.buffer ? values.byteOffset : undefined;
  }

  /**
   * Byte offsets of regions of the given float counts (16-byte aligned, one offset per count, in
   * order), making room as needed.
   */
  regions<const T extends readonly number[]>(floats: T): Offsets<T> | null {
    let bytes = this.firstRegion + this.patchBytes;
    const offsets: number[] = [];
    for (const count of floats) {
      offsets.push(bytes);
      bytes += (count * 4 + 15) & ~15;
    }
    if (!this.fit(bytes)) return null;
    return offsets.map((o) => o + this.start) as Offsets<T>;
  }

  /** Room for `bytes` from the base: the memory grown, or a larger block from the host (its prefix kept). */
  private fit(bytes: number): boolean {
    if (this.host == null) {
      const have = this.memory.buffer.byteLength;
      if (bytes <= have) return true;
      try {
        this.memory.grow(Math.ceil((bytes - have) / PAGE));
        return true;
      } catch {
        return false; // beyond the memory's maximum: the caller falls back
      }
    }
    if (bytes <= this.blockBytes) return true;
    const size = Math.max(FIRST_BLOCK, Math.ceil(bytes * 1.5));
    const raw = this.host.malloc(size + 16);
    if (raw === 0) return false;
    const start = (raw + 15) & ~15;
    const keep = this.firstRegion + this.patchBytes; // the geometry and kept patches move along
    if (this.blockBytes > 0) {
      this.floats().copyWithin(start >> 2, this.start >> 2, (this.start + keep) >> 2);
      this.host.free(this.raw);
    }
    this.raw = raw;
    this.start = start;
    this.blockBytes = size + 16 - (start - raw);
    return true;
  }

  /** {@link KernelHeap.regions}, and the geometry written where the convolution kernels read it. */
  layout<const T extends readonly number[]>(g: ConvGeometry, floats: T): Offsets<T> | null {
    const offsets = this.regions(floats);
    if (offsets != null) new Int32Array(this.memory.buffer, this.start, 18).set(geometryWords(g));
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
   * The address a kernel reads `values` at: `inPlace` (their own, from {@link KernelHeap.addressOf})
   * when they live in this memory, else region `at`, where they are copied.
   */
  input(values: Float32Array, inPlace: number | undefined, at: number): number {
    if (inPlace !== undefined) return inPlace;
    this.set(at, values);
    return at;
  }

  /**
   * Copies `count` floats from `at` to their destination: `dstAt` in this memory (from
   * {@link KernelHeap.addressOf}), else the array `dst`.
   */
  output(at: number, dst: Float32Array, dstAt: number | undefined, count: number): void {
    if (dstAt === undefined) this.get(at, dst, count);
    else if (dstAt !== at) this.floats().copyWithin(dstAt >> 2, at >> 2, (at >> 2) + count);
  }

  /**
   * Copies `rows × cols` values into rows of `stride` floats at byte offset `at` (padding left as is):
   * from `srcAt` in this memory when given (one SIMD pass), else from `src` — one copy when
   * `cols === stride`, else one copy to the staging region `stage` and a SIMD pass.
   */
  setPadded(
    at: number,
    src: Float32Array,
    srcAt: number | undefined,
    rows: number,
    cols: number,
    stride: number,
    stage: number,
  ): void {
    if (cols === stride) {
      if (srcAt === undefined) this.floats().set(src.subarray(0, rows * cols), at >> 2);
      else this.floats().copyWithin(at >> 2, srcAt >> 2, (srcAt >> 2) + rows * cols);
      return;
    }
    if (srcAt === undefined) {
      this.floats().set(src.subarray(0, rows * cols), stage >> 2);
      srcAt = stage;
    }
    this.fns.pad_rows(at, srcAt, rows, cols, stride);
  }

  /**
   * Copies `rows × cols` values out of rows of `stride` floats at byte offset `at`: to `dstAt` in this
   * memory when given, else into `dst` (through `stage` when the rows are padded).
   */
  getPadded(
    at: number,
    dst: Float32Array,
    dstAt: number | undefined,
    rows: number,
    cols: number,
    stride: number,
    stage: number,
  ): void {
    if (cols !== stride) {
      this.fns.unpad_rows(dstAt ?? stage, at, rows, cols, stride);
      if (dstAt !== undefined) return;
      at = stage;
    }
    this.output(at, dst, dstAt, rows * cols);
  }

  /** Reserves room for the whole patch matrix of `g` under `key` (dropping older ones if full); false if too large. */
  keepPatches(g: ConvGeometry, key: object): boolean {
    const bytes = (g.p * g.k4 * 4 + 16 + 15) & ~15;
    if (bytes > PATCH_CAPACITY) return false;
    this.dropPatches(key);
    if (this.patchBytes + bytes > PATCH_CAPACITY) {
      this.patches.clear(); // older steps' matrices, never used: start over
      this.patchBytes = 0;
    }
    this.patches.set(key, { geometry: geometryKey(g), at: this.firstRegion + this.patchBytes });
    this.patchBytes += bytes;
    return true;
  }

  /**
   * Where the patch matrix kept under `key` for geometry `g` is, if any (an address: take it after
   * laying out the call's regions, which may move the heap).
   */
  keptPatches(g: ConvGeometry, key: object | undefined): number | undefined {
    const entry = key === undefined ? undefined : this.patches.get(key);
    return entry?.geometry === geometryKey(g) ? this.start + entry.at : undefined;
  }

  /** Forgets the patch matrix kept under `key`; the space is reused once none is left. */
  dropPatches(key: object): void {
    if (this.patches.delete(key) && this.patches.size === 0) this.patchBytes = 0;
  }
}
