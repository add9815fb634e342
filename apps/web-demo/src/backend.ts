/**
 * Starts TensorFlow.js's WASM backend with onecycle's training kernels. The page hands tfjs the
 * URLs of its three .wasm builds (plain, SIMD, threaded SIMD), which Vite copies into the build.
 * Threads need a cross-origin isolated page (COOP/COEP headers, see vite.config.ts): XNNPACK's, and
 * the Web Worker that runs half of each convolution (onecycle's SIMD kernels, `convThreads`).
 */
import { SimdConv, setupBackend } from '@onecycle/backends';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The URL of each .wasm file of tfjs-backend-wasm, by file name.
 *
 * @example
 * ```ts
 * await setupBackend('wasm', { wasmPaths });
 * ```
 */
export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': plainWasm,
  'tfjs-backend-wasm-simd.wasm': simdWasm,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm,
};

/**
 * What the backend runs on.
 *
 * @example
 * ```ts
 * const { summary, threads } = await startWasmBackend();
 * ```
 */
export interface BackendInfo {
  backend: string;
  simd: boolean;
  /** Threads XNNPACK uses; 1 when single-threaded. */
  threads: number;
  /** Threads onecycle's convolution kernels use (2 on an isolated page with 2 cores or more). */
  convThreads: number;
  crossOriginIsolated: boolean;
  /**
   * One line for the page, e.g. "wasm · SIMD · threaded build · threads: 4 (8 logical cores) ·
   * convolutions: 2 threads, fused multiply-add".
   */
  summary: string;
}

/**
 * Starts the WASM backend: threads (one per logical core for XNNPACK, two for the convolution
 * kernels, as measured on 2 cores) when the page is cross-origin isolated, single-threaded otherwise. Throws an Error the page can show when WebAssembly is missing.
 *
 * @example
 * ```ts
 * const info = await startWasmBackend();
 * status.textContent = info.summary;
 * ```
 */
export async function startWasmBackend(): Promise<BackendInfo> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    throw new Error('WebAssembly is not supported by this browser: the demo needs it to train.');
  }
  const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const threads = isolated ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
  const convThreads = isolated ? Math.min(2, navigator.hardwareConcurrency || 1) : 1;
  await setupBackend('wasm', { wasmPaths, threads, convThreads });
  const backend = tf.getBackend();
  if (backend !== 'wasm') throw new Error(`the WASM backend did not start (tfjs chose '${backend}')`);
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const used = getThreadsCount();
  const simdConv = SimdConv.load();
  const conv = simdConv
    ? ` · convolutions: ${simdConv.threads} thread${simdConv.threads === 1 ? '' : 's'}${simdConv.instructions === 'relaxed-simd' ? ', fused multiply-add' : ''}`
    : '';
  const cores = navigator.hardwareConcurrency || 1;
  const threading = isolated
    ? `threaded build · threads: ${used} (${cores} logical core${cores === 1 ? '' : 's'})`
    : 'single-threaded (page not cross-origin isolated)';
  return {
    backend,
    simd,
    threads: used,
    convThreads: simdConv?.threads ?? 1,
    crossOriginIsolated: isolated,
    summary: `wasm · ${simd ? 'SIMD' : 'no SIMD'} · ${threading}${conv}`,
  };
}
