import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from './kernels/register-wasm-training-kernels.js';
import { sharedMemoryBinary } from './kernels/shared-memory-binary.js';
import { SimdConv } from './kernels/simd-conv.js';
import { isSharedMemory, wasmHostMemory } from './kernels/wasm-host-memory.js';
import { registerAllGradients } from './register-gradients.js';

/**
 * Which backend {@link setupBackend} should make active.
 *
 * @example
 * ```ts
 * import { type BackendKind, setupBackend } from '@onecycle/backends';
 * const kind: BackendKind = process.env.CI ? 'wasm' : 'auto';
 * await setupBackend(kind);
 * ```
 */
export type BackendKind = 'auto' | 'node' | 'wasm' | 'cpu';

/**
 * The kinds {@link setupBackend} accepts, in the order `'auto'` prefers the real ones.
 *
 * @example
 * ```ts
 * import { BACKEND_KINDS } from '@onecycle/backends';
 * const kind = process.argv[2] ?? 'auto';
 * if (!BACKEND_KINDS.includes(kind as never)) throw new RangeError(`backend must be one of ${BACKEND_KINDS}`);
 * ```
 */
export const BACKEND_KINDS: readonly BackendKind[] = ['auto', 'node', 'wasm', 'cpu'];

/**
 * Options of {@link setupBackend}.
 *
 * @example
 * ```ts
 * import { type SetupBackendOptions, setupBackend } from '@onecycle/backends';
 * // In a browser app whose bundler copies the .wasm files to /assets/:
 * const options: SetupBackendOptions = { wasmPaths: '/assets/', threads: navigator.hardwareConcurrency };
 * await setupBackend('wasm', options);
 * ```
 */
export interface SetupBackendOptions {
  /**
   * Where the WASM binaries are served from: a directory prefix ending in `/`, or a map from each binary's
   * file name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`, `tfjs-backend-wasm-threaded-simd.wasm`)
   * to its URL. Under Node the default is the `dist/` folder of the installed `@tensorflow/tfjs-backend-wasm`.
   * A browser app passes the URL its bundler serves the files at.
   */
  wasmPaths?: string | Record<string, string>;
  /** Threads for the WASM backend's thread pool (browser pages that are cross-origin isolated). ≥ 1. */
  threads?: number;
  /**
   * Threads for this package's SIMD convolution kernels on the WASM backend (forward, filter and input
   * gradients): the calling thread plus worker threads sharing one WebAssembly memory (Node's, or Web
   * Workers on a cross-origin isolated page; elsewhere one thread). An integer in [1, 8]; default
   * {@link defaultConvThreads} (the logical cores, at most 4). Each kind of call is shared only while
   * timing shows that it is faster. Under Node, more than one thread also loads tfjs's WASM build on a
   * shared memory, so that the threads read and write its tensors in place.
   */
  convThreads?: number;
}

/**
 * What {@link setupBackend} chose: the active backend's name and a sentence saying why.
 *
 * @example
 * ```ts
 * import { type BackendChoice, setupBackend } from '@onecycle/backends';
 * const choice: BackendChoice = await setupBackend();
 * console.log(`backend ${choice.backend}: ${choice.reason}`);
 * ```
 */
export interface BackendChoice {
  /** The active tfjs backend name: `'tensorflow'` (tfjs-node), `'wasm'` or `'cpu'`. */
  backend: string;
  /** Why this backend was chosen (and why better ones were not). */
  reason: string;
}

const TFJS_NODE = '@tensorflow/tfjs-node';
const TFJS_NODE_BACKEND = 'tensorflow';
const INSTALL_HINT = `install it with \`npm install ${TFJS_NODE}\` (it downloads libtensorflow, so it needs internet access)`;

/** The most convolution threads {@link defaultConvThreads} picks. */
const MAX_DEFAULT_CONV_THREADS = 4;

/**
 * The convolution threads {@link setupBackend} uses when `convThreads` is not given: the logical
 * cores this process may use (Node's `os.availableParallelism()`, a browser's
 * `navigator.hardwareConcurrency`), at most 4; 1 where that is unknown. Each kind of convolution
 * call is still run on one thread while timing shows that sharing it is not faster.
 *
 * @example
 * ```ts
 * import { defaultConvThreads, setupBackend } from '@onecycle/backends';
 * console.log(defaultConvThreads()); // 2 on a 2-core machine
 * await setupBackend('wasm', { convThreads: defaultConvThreads() }); // the same as leaving it out
 * ```
 */
export function defaultConvThreads(): number {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const cores = os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_DEFAULT_CONV_THREADS, Math.floor(cores)));
}

/** True when running under Node.js (not a browser or a web worker). */
function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** Imports a module by a computed name, hidden from bundlers and from TypeScript's resolution. */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string };
  const missing = e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND';
  return missing && typeof e.message === 'string' && e.message.includes(`'${specifier}'`);
}

/**
 * Whether Node's resolver finds `specifier` from this package (`import.meta.resolve`, which
 * honours module customization hooks, else `require.resolve`). A bundler or test runner that
 * processes this file may report a missing package without Node's error code (vite: "Could not
 * resolve …"), so a failed import also counts as "not installed" when the package does not resolve.
 */
async function isResolvable(specifier: string): Promise<boolean> {
  try {
    if (typeof import.meta.resolve === 'function') {
      import.meta.resolve(specifier);
    } else {
      const { createRequire } = (await importOptional('node:module')) as typeof import('node:module');
      createRequire(import.meta.url).resolve(specifier);
    }
    return true;
  } catch {
    return false;
  }
}

type NodeLoad = { ok: true } | { ok: false; missing: boolean; message: string };

/** Loads tfjs-node (an optional peer) if it is installed; it registers the 'tensorflow' backend. */
async function loadTfjsNode(): Promise<NodeLoad> {
  if (!isNode()) return { ok: false, missing: true, message: `${TFJS_NODE} runs only under Node.js` };
  if (tf.findBackendFactory(TFJS_NODE_BACKEND) != null) return { ok: true };
  try {
    await importOptional(TFJS_NODE);
  } catch (error) {
    const missing = isModuleNotFound(error, TFJS_NODE) || !(await isResolvable(TFJS_NODE));
    const message = missing
      ? `${TFJS_NODE} is not installed`
      : `${TFJS_NODE} is installed but failed to load: ${(error as Error)?.message ?? String(error)}`;
    return { ok: false, missing, message };
  }
  if (tf.findBackendFactory(TFJS_NODE_BACKEND) == null) {
    return {
      ok: false,
      missing: false,
      message: `${TFJS_NODE} loaded but registered no '${TFJS_NODE_BACKEND}' backend with this copy of @tensorflow/tfjs-core (are two versions installed?)`,
    };
  }
  return { ok: true };
}

/** The installed @tensorflow/tfjs-backend-wasm's dist/ folder (holds the .wasm files), under Node. */
async function nodeWasmDirectory(): Promise<string> {
  const { createRequire } = (await importOptional('node:module')) as typeof import('node:module');
  const path = (await importOptional('node:path')) as typeof import('node:path');
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/** Whether tfjs's platform fetch (a global `fetch` under Node) answers `url`. */
async function fetches(url: string): Promise<boolean> {
  try {
    return (await tf.util.fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Where tfjs's WASM backend loads its binaries from, and whether through the platform's fetch. */
interface WasmFiles {
  paths: string | Record<string, string>;
  platformFetch: boolean;
}

/**
 * The installed `.wasm` files under Node. With `share` (convolutions on several threads), where tfjs
 * will run its SIMD build (Node has no threaded build) and this Node shares memories between
 * threads, that build is loaded with its memory made shared (see `sharedMemoryBinary`), from a
 * `data:` URL through the platform's fetch: the convolution kernels' worker threads then work on
 * tfjs's tensors in place, with no copies.
 */
async function nodeWasmFiles(share: boolean): Promise<WasmFiles> {
  const dir = await nodeWasmDirectory();
  const simd = 'tfjs-backend-wasm-simd.wasm';
  const sharing =
    share &&
    typeof SharedArrayBuffer === 'function' &&
    (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true &&
    (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === false;
  if (sharing) {
    const { readFile } = (await importOptional('node:fs/promises')) as typeof import('node:fs/promises');
    const shared = sharedMemoryBinary(await readFile(dir + simd));
    const url =
      shared === undefined
        ? undefined
        : `data:application/wasm;base64,${Buffer.from(shared.buffer).toString('base64')}`;
    // tfjs does not catch a failed fetch (its backend would never start): try it first.
    if (url !== undefined && (await fetches(url))) {
      // tfjs asks for every file's entry; only the SIMD build is loaded here.
      const plain = 'tfjs-backend-wasm.wasm';
      const threaded = 'tfjs-backend-wasm-threaded-simd.wasm';
      return {
        paths: { [plain]: dir + plain, [simd]: url, [threaded]: dir + threaded },
        platformFetch: true,
      };
    }
  }
  return { paths: dir, platformFetch: false };
}

function validateOptions(options: SetupBackendOptions): void {
  if (options == null || typeof options !== 'object') {
    throw new TypeError(`setupBackend: options must be an object, got ${String(options)}`);
  }
  const { threads, wasmPaths, convThreads } = options;
  if (convThreads !== undefined && !(Number.isInteger(convThreads) && convThreads >= 1 && convThreads <= 8)) {
    throw new RangeError(
      `setupBackend: options.convThreads must be an integer in [1, 8], got ${String(convThreads)}`,
    );
  }
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`setupBackend: options.threads must be an integer >= 1, got ${String(threads)}`);
  }
  if (
    wasmPaths !== undefined &&
    typeof wasmPaths !== 'string' &&
    (wasmPaths === null || typeof wasmPaths !== 'object')
  ) {
    throw new TypeError(
      'setupBackend: options.wasmPaths must be a directory prefix string or a file-name → URL map',
    );
  }
}

/** Prepares and activates the WASM backend; returns a description of it or throws. */
async function activateWasm(options: SetupBackendOptions): Promise<string> {
  const convThreads = options.convThreads ?? defaultConvThreads();
  // Found before `tf.findBackend`, which starts the backend: its paths must be set by then.
  const starting = tf.engine().registry.wasm === undefined;
  const files: WasmFiles | undefined =
    options.wasmPaths !== undefined
      ? { paths: options.wasmPaths, platformFetch: false }
      : starting && isNode()
        ? await nodeWasmFiles(convThreads > 1)
        : undefined;
  const initialized = tf.findBackend('wasm') != null;
  if (!initialized) {
    if (options.threads !== undefined) setThreadsCount(options.threads);
    if (files !== undefined) setWasmPaths(files.paths, files.platformFetch);
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } catch (error) {
    throw new Error(`the WASM backend failed to initialise: ${(error as Error)?.message ?? String(error)}`);
  }
  if (!ok) {
    throw new Error(
      'the WASM backend failed to initialise (are the .wasm files served at options.wasmPaths? ' +
        'in a browser, pass the URL prefix of tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm and tfjs-backend-wasm-threaded-simd.wasm)',
    );
  }
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const host = wasmHostMemory(tf.findBackend('wasm'));
  SimdConv.useHostMemory(host);
  const conv = SimdConv.useThreads(convThreads);
  const plural = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const fma = SimdConv.load()?.instructions === 'relaxed-simd' ? ', fused multiply-add' : '';
  const where = conv > 1 && host != null && isSharedMemory(host.memory) ? " in tfjs's shared memory" : '';
  return `WASM (${simd ? 'SIMD' : 'no SIMD'}, ${plural(getThreadsCount())}; convolutions on ${plural(conv)}${where}${fma})`;
}

async function activateCpu(): Promise<void> {
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error('the CPU backend failed to initialise');
  await tf.ready();
}

/**
 * Makes a trainable tfjs backend active and says which one and why.
 *
 * - `'auto'` (default): `@tensorflow/tfjs-node` when it is installed (fastest; an optional peer, never a
 *   dependency), else WASM (XNNPACK, SIMD), else the pure-JS CPU backend.
 * - `'node'`: tfjs-node or a clear error telling how to install it.
 * - `'wasm'`: the WASM backend; under Node its `.wasm` files are found next to the installed
 *   `@tensorflow/tfjs-backend-wasm`, whatever the working directory; in a browser pass `options.wasmPaths`.
 * - `'cpu'`: the CPU backend (slow; for tiny tests and reference results).
 *
 * Also registers every gradient and the WASM training kernels (both are already done on import).
 *
 * @param kind which backend to use.
 * @param options WASM binary location and thread count.
 * @returns the active backend's name and the reason it was chosen.
 * @throws Error when the requested backend cannot be used; RangeError/TypeError for bad arguments.
 * @example
 * ```ts
 * import { setupBackend } from '@onecycle/backends';
 * const { backend, reason } = await setupBackend(); // e.g. 'wasm', 'tfjs-node is not installed; …'
 * await setupBackend('cpu'); // tests
 * await setupBackend('wasm', { wasmPaths: '/assets/tfjs-wasm/' }); // browser app
 * ```
 */
export async function setupBackend(
  kind: BackendKind = 'auto',
  options: SetupBackendOptions = {},
): Promise<BackendChoice> {
  if (!BACKEND_KINDS.includes(kind)) {
    throw new RangeError(
      `setupBackend: kind must be one of ${BACKEND_KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  validateOptions(options);
  registerAllGradients();
  registerWasmTrainingKernels();

  if (kind === 'node') {
    const load = await loadTfjsNode();
    if (!load.ok) {
      throw new Error(
        `setupBackend('node'): ${load.message}; ${load.missing ? INSTALL_HINT : 'reinstall it or use setupBackend("wasm")'}`,
      );
    }
    if (!(await tf.setBackend(TFJS_NODE_BACKEND))) {
      throw new Error(
        `setupBackend('node'): the '${TFJS_NODE_BACKEND}' backend of ${TFJS_NODE} failed to initialise`,
      );
    }
    await tf.ready();
    return { backend: tf.getBackend(), reason: `requested 'node': using ${TFJS_NODE} (native TensorFlow)` };
  }
  if (kind === 'wasm') {
    try {
      const what = await activateWasm(options);
      return { backend: tf.getBackend(), reason: `requested 'wasm': using ${what}` };
    } catch (error) {
      throw new Error(`setupBackend('wasm'): ${(error as Error).message}`);
    }
  }
  if (kind === 'cpu') {
    await activateCpu();
    return { backend: tf.getBackend(), reason: "requested 'cpu': using the pure-JavaScript CPU backend" };
  }

  const load = await loadTfjsNode();
  if (load.ok && (await tf.setBackend(TFJS_NODE_BACKEND))) {
    await tf.ready();
    return { backend: tf.getBackend(), reason: `auto: ${TFJS_NODE} is installed; using native TensorFlow` };
  }
  const whyNotNode = load.ok ? `${TFJS_NODE} failed to initialise` : load.message;
  try {
    const what = await activateWasm(options);
    return { backend: tf.getBackend(), reason: `auto: ${whyNotNode}; using ${what}` };
  } catch (error) {
    await activateCpu();
    return {
      backend: tf.getBackend(),
      reason: `auto: ${whyNotNode}; ${(error as Error).message}; using the pure-JavaScript CPU backend (slow)`,
    };
  }
}
