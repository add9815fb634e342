// Experimental: tfjs's threaded WASM binary (XNNPACK thread pool) under Node, where tfjs turns
// threads off. Import this module and call `enableWasmThreadsInNode()` BEFORE the WASM backend
// starts (before setupBackend / tf.setBackend('wasm')) and after @tensorflow/tfjs-backend-wasm (or
// @onecycle/backends) is imported, which registers the flag set here. What it works around, measured on Node 20:
//  1. tfjs reports no thread support under Node: the WASM_HAS_MULTITHREAD_SUPPORT flag is forced on.
//  2. The threaded glue starts its pthread workers from Blob URLs, which Node's Worker rejects: Blob
//     and URL.createObjectURL are shimmed to write those scripts to temporary files, and the worker
//     script is pointed at the file holding the main script (with the bundler's globals it expects).
//  3. tfjs sizes the pool by logical cores / 2 (1 on a 2-core machine): os.cpus() reports twice the
//     wanted threads while the backend starts.
// Used by bench/threads-probe.mjs; not part of the packages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Installs the shims; returns `restore()` to call once the backend has started.
 * @param {{ tf: any, threads: number }} options
 */
export function enableWasmThreadsInNode({ tf, threads }) {
  const dir = mkdtempSync(join(tmpdir(), 'onecycle-wasm-threads-'));
  let n = 0;
  let mainScript;
  const RealBlob = globalThis.Blob;
  class ScriptBlob extends RealBlob {
    constructor(parts, options) {
      super(parts, options);
      if (Array.isArray(parts) && parts.every((p) => typeof p === 'string')) {
        this.text_ = parts.join('');
        if (this.text_.startsWith('var WasmBackendModuleThreadedSimd')) {
          mainScript = join(dir, 'main.js');
          writeFileSync(
            mainScript,
            "var require$$0=require('fs'),require$$1=require('path'),require$$2=require('worker_threads')," +
              "require$$3=require('perf_hooks'),require$$4=require('os'),commonjsGlobal=globalThis;\n" +
              `${this.text_}\n;globalThis.WasmBackendModuleThreadedSimd=WasmBackendModuleThreadedSimd;`,
          );
        }
      }
    }
  }
  const realCreate = URL.createObjectURL;
  const realCpus = os.cpus;
  globalThis.Blob = ScriptBlob;
  URL.createObjectURL = (blob) => {
    if (blob instanceof ScriptBlob && blob.text_ !== undefined) {
      let text = blob.text_;
      if (text.includes('WasmBackendModuleThreadedSimd(Module)') && mainScript) {
        text = text.replace(
          'if(typeof e.data.urlOrBlob=="string")',
          `if(typeof e.data.urlOrBlob!="string")e.data.urlOrBlob=${JSON.stringify(mainScript)};if(typeof e.data.urlOrBlob=="string")`,
        );
      }
      const file = join(dir, `blob-${n++}.js`);
      writeFileSync(file, text);
      return file;
    }
    return realCreate(blob);
  };
  os.cpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return () => {
    globalThis.Blob = RealBlob;
    URL.createObjectURL = realCreate;
    os.cpus = realCpus;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  };
}
