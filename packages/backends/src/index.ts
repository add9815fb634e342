import { registerCpuTrainingKernels } from './kernels/register-cpu-training-kernels.js';
import { registerWasmTrainingKernels } from './kernels/register-wasm-training-kernels.js';
import { registerAllGradients } from './register-gradients.js';

export { type ConvGeometry, convGeometry } from './kernels/conv-geometry.js';
export type { HostMemory } from './kernels/kernel-heap.js';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from './kernels/register-wasm-training-kernels.js';
export { SimdConv } from './kernels/simd-conv.js';
export { wasmHostMemory } from './kernels/wasm-host-memory.js';
export { gradientKernelNames, registerAllGradients } from './register-gradients.js';
export {
  BACKEND_KINDS,
  type BackendChoice,
  type BackendKind,
  defaultConvThreads,
  type SetupBackendOptions,
  setupBackend,
} from './setup-backend.js';

// Importing the package makes every gradient and the WASM (and CPU) training kernels available.
registerAllGradients();
registerWasmTrainingKernels();
registerCpuTrainingKernels();
