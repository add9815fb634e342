// The guides' code examples cannot rot: this typechecks every docs/examples/*.ts against the
// packages' sources (docs/tsconfig.json), then runs the cheap ones — those whose first line says
// "runs in CI" — against the built packages and records what they print in
// docs/generated/examples/<name>.txt, which the guides show under the code with {@includeCode}.
// Each example runs in an empty working directory; the files it writes there (an SVG plot, say)
// are copied to docs/assets/examples/<name>/ for the guides to show.
// The guides include examples with typedoc's {@includeCode}; pages where typedoc does not expand
// it (the site's front page, docs/index.md) mark a fenced block with
// `<!-- include: examples/<name>.ts -->` on the line before it, and this script copies the file in.
// usage: node scripts/docs-examples.mjs [--check] [name …]
//   --check  fail if a recorded output differs from the committed file (CI) instead of rewriting it
// Build the packages first (pnpm build): the examples import their dist/.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const examplesDir = join(root, 'docs', 'examples');
const outputDir = join(root, 'docs', 'generated', 'examples');
const assetsDir = join(root, 'docs', 'assets', 'examples');
const cacheDir = join(root, 'node_modules', '.cache', 'onecycle-docs-examples');
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = new Set(args.filter((a) => !a.startsWith('--')));
const RUNS = /^\/\/.*\bruns in CI\b/i;
const TIMEOUT_MS = 120_000;

// 1. typecheck all examples together
try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'docs/tsconfig.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
} catch {
  console.error('docs-examples: the examples do not typecheck (tsc -p docs/tsconfig.json)');
  process.exit(1);
}
const all = readdirSync(examplesDir).filter((f) => f.endsWith('.ts'));
console.log(`docs-examples: ${all.length} examples typecheck`);

// 2. transpile every example (they may import each other) into the cache folder
rmSync(cacheDir, { recursive: true, force: true });
mkdirSync(cacheDir, { recursive: true });
for (const file of all) {
  const source = readFileSync(join(examplesDir, file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  writeFileSync(join(cacheDir, file.replace(/\.ts$/, '.js')), outputText);
}
writeFileSync(join(cacheDir, 'package.json'), '{ "type": "module" }\n');

// 3. run the cheap ones and record their output
const runnable = all.filter(
  (f) =>
    RUNS.test(readFileSync(join(examplesDir, f), 'utf8').split('\n', 1)[0] ?? '') &&
    (only.size === 0 || only.has(basename(f, '.ts'))),
);
mkdirSync(outputDir, { recursive: true });
const problems = [];
for (const file of runnable) {
  const name = basename(file, '.ts');
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), `onecycle-example-${name}-`));
  const res = spawnSync(
    process.execPath,
    ['--import', join(root, 'scripts', 'docs-resolve-hooks.mjs'), join(cacheDir, `${name}.js`)],
    { cwd: workDir, encoding: 'utf8', timeout: TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } },
  );
  const produced = readdirSync(workDir);
  if (res.status === 0 && produced.length > 0) {
    rmSync(join(assetsDir, name), { recursive: true, force: true });
    mkdirSync(join(assetsDir, name), { recursive: true });
    for (const f of produced) cpSync(join(workDir, f), join(assetsDir, name, f), { recursive: true });
    console.log(`  kept ${produced.map((f) => relative(root, join(assetsDir, name, f))).join(', ')}`);
  }
  rmSync(workDir, { recursive: true, force: true });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status !== 0) {
    problems.push(
      `${file} failed (${res.error?.message ?? `exit ${res.status}`})\n${res.stdout}${res.stderr}`,
    );
    continue;
  }
  const target = join(outputDir, `${name}.txt`);
  const output = res.stdout.replace(/\s+$/, '\n');
  const before = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (check) {
    if (before !== output) {
      problems.push(
        `${relative(root, target)} is out of date: run node scripts/docs-examples.mjs ${name} and commit it\n--- committed\n${before ?? '(missing)'}--- now\n${output}`,
      );
    }
  } else if (before !== output) {
    writeFileSync(target, output);
    console.log(`  wrote ${relative(root, target)}`);
  }
  console.log(`  ran ${file} (${secs} s)`);
}
// 4. copy examples and outputs into the marked blocks of Markdown pages
const pages = [join(root, 'docs', 'index.md')];
for (const page of pages) {
  const text = readFileSync(page, 'utf8');
  const synced = text.replace(
    /(<!-- include: ([^\s]+) -->\n```([a-z]*)\n)[\s\S]*?(```)/g,
    (_all, head, file, _lang, fence) => {
      const src = join(root, 'docs', file);
      if (!existsSync(src)) {
        problems.push(`${relative(root, page)}: include ${file} does not exist`);
        return _all;
      }
      return `${head}${readFileSync(src, 'utf8').replace(/\s+$/, '')}\n${fence}`;
    },
  );
  if (synced === text) continue;
  if (check)
    problems.push(`${relative(root, page)} is out of date: run node scripts/docs-examples.mjs and commit it`);
  else {
    writeFileSync(page, synced);
    console.log(`  wrote ${relative(root, page)}`);
  }
}

// 5. no TypeScript in a guide escapes the checks: a ```ts block must be an include
for (const page of [
  ...pages,
  ...readdirSync(join(root, 'docs', 'guides')).map((f) => join(root, 'docs', 'guides', f)),
]) {
  if (!page.endsWith('.md')) continue;
  const lines = readFileSync(page, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (
      /^\s*```(ts|typescript|js|javascript|tsx)\s*$/.test(line) &&
      !/^<!-- include: /.test(lines[i - 1] ?? '')
    ) {
      problems.push(
        `${relative(root, page)}:${i + 1}: a code block that CI does not compile; put the code in docs/examples/ and use {@includeCode}`,
      );
    }
  });
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`docs-examples: ${runnable.length} examples ran${check ? ', outputs match' : ''}`);
