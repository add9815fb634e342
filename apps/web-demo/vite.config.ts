// Vite config of the web demo. The @onecycle/* workspace packages are resolved from their TypeScript
// sources (export condition '@onecycle/source'), so the app builds without building them first.
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

/** Cross-origin isolation: lets the page use SharedArrayBuffer, hence WASM threads. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  resolve: { conditions: ['@onecycle/source', ...defaultClientConditions] },
  server: { host: '127.0.0.1', headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: isolationHeaders },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // Two pages: the demo, and layers.html (@onecycle/tfjs-layers with tfjs-layers' model.fit).
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        layers: fileURLToPath(new URL('./layers.html', import.meta.url)),
      },
      // tfjs-backend-wasm starts its threads by turning its emscripten factory function into text
      // (Function.prototype.toString) and running it in a worker: renamed or rewritten variables in
      // that function break the workers ("e is not defined"). Strip whitespace only.
      output: { minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } } },
    },
  },
});
