// Regenerates src/generated/tfjs-gradients.ts: tfjs-core's own gradient configs, bundled so that they
// import nothing but the public '@tensorflow/tfjs-core' entry. tfjs-core ships them only as ESM files
// with extension-less imports (unloadable by plain Node) and its Node bundle registers none of them.
// Run: `pnpm --filter @onecycle/backends gen:gradients` (after upgrading tfjs-core).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = resolve(here, '..');
const require = createRequire(join(pkgRoot, 'package.json'));
const coreRoot = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const coreDist = join(coreRoot, 'dist');
const coreVersion = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')).version;
const tf = require('@tensorflow/tfjs-core');
const publicNames = new Set(Object.keys(tf));
// Public namespaces that re-export whole internal utility modules.
const namespaces = ['backend_util', 'util', 'slice_util'];

/** Resolves an extension-less specifier of tfjs-core's dist ESM to its file. */
function resolveFile(from, spec) {
  const file = resolve(dirname(from), spec);
  if (existsSync(`${file}.js`)) return `${file}.js`;
  if (existsSync(join(file, 'index.js'))) return join(file, 'index.js');
  return file;
}

/** Names a tfjs-core dist module exports, following `export *` (its ESM is machine-written and regular). */
function exportNames(file, seen = new Set()) {
  if (seen.has(file)) return { names: [], complex: false };
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  const names = new Set();
  let complex = /^export default/m.test(src);
  for (const m of src.matchAll(/^export (?:async )?(?:function\*?|const|let|var|class) ([\w$]+)/gm))
    names.add(m[1]);
  for (const m of src.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (name) names.add(name);
    }
  }
  for (const m of src.matchAll(/^export \* from '([^']+)'/gm)) {
    const sub = exportNames(resolveFile(file, m[1]), seen);
    for (const n of sub.names) names.add(n);
    complex ||= sub.complex;
  }
  if (/^export \* as /m.test(src)) complex = true;
  return { names: [...names], complex };
}

// tensor_util_env's convertToTensor is not public; gradient functions only ever pass tensors to it.
const convertShim = `import { Tensor, tensor } from '@tensorflow/tfjs-core';
export function convertToTensor(x, argName, functionName, parseAsDtype = 'numeric') {
  if (x instanceof Tensor) return x;
  const dtype = parseAsDtype === 'numeric' || parseAsDtype === 'string_or_numeric' ? undefined : parseAsDtype;
  return tensor(x, undefined, dtype);
}
export function convertToTensorArray(arg, argName, functionName, parseAsDtype = 'numeric') {
  return arg.map((t, i) => convertToTensor(t, \`\${argName}[\${i}]\`, functionName, parseAsDtype));
}
`;

const bundledFiles = [];
const redirected = [];
const shimPlugin = {
  name: 'tfjs-core-public-api',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(coreDist)) return undefined;
      const file = resolveFile(args.importer, args.path);
      const rel = file.slice(coreDist.length + 1);
      if (rel === 'engine.js') return { path: rel, namespace: 'shim', pluginData: { kind: 'engine' } };
      if (rel === 'tensor_util_env.js')
        return { path: rel, namespace: 'shim', pluginData: { kind: 'convert' } };
      if (rel.startsWith('gradients/')) return { path: file };
      const { names, complex } = exportNames(file);
      if (!complex && names.length > 0 && names.every((n) => publicNames.has(n))) {
        return { path: rel, namespace: 'shim', pluginData: { kind: 'public', names } };
      }
      for (const ns of namespaces) {
        if (!complex && names.length > 0 && names.every((n) => tf[ns] && n in tf[ns])) {
          return { path: rel, namespace: 'shim', pluginData: { kind: 'namespace', ns, names } };
        }
      }
      bundledFiles.push(rel);
      return { path: file };
    });
    b.onLoad({ filter: /.*/, namespace: 'shim' }, (args) => {
      const d = args.pluginData;
      redirected.push(`${args.path} -> ${d.kind === 'namespace' ? d.ns : d.kind}`);
      if (d.kind === 'engine') {
        return {
          contents: "import { engine } from '@tensorflow/tfjs-core';\nexport const ENGINE = engine();\n",
        };
      }
      if (d.kind === 'convert') return { contents: convertShim };
      if (d.kind === 'public') {
        return { contents: `export { ${d.names.join(', ')} } from '@tensorflow/tfjs-core';\n` };
      }
      const lines = [`import { ${d.ns} as ns } from '@tensorflow/tfjs-core';`];
      for (const n of d.names) lines.push(`export const ${n} = ns.${n};`);
      return { contents: `${lines.join('\n')}\n` };
    });
  },
};

// Entry: every config that tfjs-core's own register_all_gradients registers, in its order.
const registerAll = readFileSync(join(coreDist, 'register_all_gradients.js'), 'utf8');
const imports = [...registerAll.matchAll(/^import \{ (\w+GradConfig) \} from '\.\/gradients\/(\w+)';$/gm)];
if (imports.length < 100) throw new Error(`expected >= 100 gradient configs, found ${imports.length}`);
const entry = [
  ...imports.map(([, name, file]) => `import { ${name} } from './gradients/${file}.js';`),
  `export const bundledGradConfigs = [${imports.map(([, name]) => name).join(', ')}];`,
].join('\n');

const result = await build({
  stdin: { contents: entry, resolveDir: coreDist, sourcefile: 'gradient-configs-entry.js', loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['@tensorflow/tfjs-core'],
  plugins: [shimPlugin],
  legalComments: 'none',
  metafile: true,
  write: false,
  logLevel: 'warning',
});
let code = result.outputFiles[0].text;
const tail = /export \{\s*bundledGradConfigs\s*\};\s*/;
if (!tail.test(code)) throw new Error('unexpected bundle shape: no bundledGradConfigs export');
code = code.replace(tail, '');
const years = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const file = resolve(pkgRoot, input);
  if (!existsSync(file)) continue;
  const m = readFileSync(file, 'utf8').match(/Copyright (\d{4}) Google LLC/);
  if (m) years.add(Number(m[1]));
}
const span = `${Math.min(...years)}-${Math.max(...years)}`;
const header = `// @ts-nocheck
// biome-ignore-all lint: generated file
// GENERATED by scripts/bundle-tfjs-gradients.mjs from @tensorflow/tfjs-core ${coreVersion}.
// Do not edit: regenerate after upgrading tfjs-core.
//
// @license Copyright ${span} Google LLC. All Rights Reserved.
// Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
// compliance with the License. You may obtain a copy of the License at
// http://www.apache.org/licenses/LICENSE-2.0
// Unless required by applicable law or agreed to in writing, software distributed under the License is
// distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and limitations under the License.
//
// Bundled from tfjs-core's dist/gradients/*.js; internal modules are redirected to the public API.
// Redirected: ${redirected.length} modules. Bundled helper ops: ${[...new Set(bundledFiles)].sort().join(', ')}.
import type { GradConfig } from '@tensorflow/tfjs-core';
`;
const out = `${header}${code}
/**
 * tfjs-core ${coreVersion}'s gradient configs, in the order its register_all_gradients uses.
 *
 * @example
 * \`\`\`ts
 * for (const config of tfjsGradConfigs) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
 * \`\`\`
 */
export const tfjsGradConfigs: readonly GradConfig[] = bundledGradConfigs;

/**
 * The tfjs-core version these configs were bundled from.
 *
 * @example
 * \`\`\`ts
 * if (tfjsGradConfigsVersion !== tf.version_core) console.warn('regenerate the gradient bundle');
 * \`\`\`
 */
export const tfjsGradConfigsVersion = '${coreVersion}';
`;
mkdirSync(join(pkgRoot, 'src/generated'), { recursive: true });
const target = join(pkgRoot, 'src/generated/tfjs-gradients.ts');
writeFileSync(target, out);
execFileSync('npx', ['biome', 'check', '--write', target], { cwd: pkgRoot, stdio: 'inherit' });
console.log(
  `wrote ${target}: ${imports.length} configs; bundled helper files: ${[...new Set(bundledFiles)].join(' ')}`,
);
