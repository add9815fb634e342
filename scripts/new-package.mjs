// Scaffolds packages/<name> (or apps/<name>) with the project's standard layout.
// usage: node scripts/new-package.mjs <dir> <description>
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [dir, description = ''] = process.argv.slice(2);
if (!dir) throw new Error('usage: node scripts/new-package.mjs packages/<name> "<description>"');
const name = `@onecycle/${basename(dir)}`;
if (existsSync(join(dir, 'package.json'))) throw new Error(`${dir}/package.json exists already`);
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'test'), { recursive: true });
const pkg = {
  name,
  version: '0.1.0',
  description,
  keywords: ['1cycle', 'one-cycle', 'learning-rate', 'tensorflow', 'tfjs', 'fastai', 'machine-learning'],
  license: 'MIT',
  repository: { type: 'git', url: 'git+https://github.com/onecycle/onecycle.git', directory: dir },
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19' },
  exports: {
    '.': {
      '@onecycle/source': './src/index.ts',
      types: './dist/index.d.ts',
      import: './dist/index.js',
    },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'src', 'README.md', 'LICENSE'],
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc --noEmit -p tsconfig.json',
    test: 'vitest run',
  },
  dependencies: {},
  devDependencies: {},
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(dir, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, customConditions: ['@onecycle/source'] },
      include: ['src', 'test', 'vitest.config.ts'],
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(dir, 'tsconfig.build.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist' },
      include: ['src'],
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(dir, 'vitest.config.ts'),
  "import { defineConfig } from 'vitest/config';\nimport { shared } from '../../vitest.shared.js';\n\nexport default defineConfig(shared);\n",
);
console.log(`created ${dir} (${name})`);
