// Builds the documentation site (docs/site) from scratch, in order:
//   1. the packages and the trainer (turbo, cached);
//   2. the schedule plots (scripts/docs-plots.mjs);
//   3. the guides' examples: typechecked, the cheap ones run, their output recorded
//      (scripts/docs-examples.mjs);
//   4. the CLI reference from the trainer's --help (scripts/docs-cli.mjs), and every CLI option the
//      docs mention exists in that --help (scripts/docs-check-cli-options.mjs);
//   4b. the walk-through's figures: every table of them matches docs/generated/demo-seeds.json
//      (scripts/docs-getting-started.mjs; --check fails on a difference, else the pages are rewritten);
//   4c. the README's benchmark figures match docs/generated/bench.json (scripts/docs-bench.mjs);
//   5. typedoc (typedoc.json: every package, the guides; warnings are errors), HTML and JSON;
//   6. every exported symbol has an @example (scripts/docs-check-examples.mjs, on the JSON);
//   7. the link check of the built site (scripts/link-check.mjs).
// usage: node scripts/docs-build.mjs [--check]
//   --check  (CI) fail if a recorded example output is out of date instead of rewriting it
// The demo itself is not rerun here (it takes a minute): `node scripts/docs-getting-started.mjs --run`.
// Nor is the benchmark: `node scripts/docs-bench.mjs bench/results/compare-<timestamp>.json` records a run.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const node = process.execPath;

const steps = [
  [
    'build the packages and the trainer',
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=./packages/*',
      '--filter=@onecycle/trainer',
      '--output-logs=errors-only',
    ],
  ],
  ['schedule plots', node, [join(root, 'scripts/docs-plots.mjs')]],
  ['guide examples', node, [join(root, 'scripts/docs-examples.mjs'), ...(check ? ['--check'] : [])]],
  // regenerated every time: the trainer's options change often, and the site must show the current ones
  ['CLI reference', node, [join(root, 'scripts/docs-cli.mjs')]],
  ['every CLI option in the docs exists', node, [join(root, 'scripts/docs-check-cli-options.mjs')]],
  [
    "the demo's figures in the docs come from docs/generated/demo-seeds.json",
    node,
    [join(root, 'scripts/docs-getting-started.mjs'), ...(check ? ['--check'] : [])],
  ],
  [
    'the benchmark figures in README.md come from docs/generated/bench.json',
    node,
    [join(root, 'scripts/docs-bench.mjs'), ...(check ? ['--check'] : [])],
  ],
  ['typedoc', node, [join(root, 'node_modules/typedoc/bin/typedoc')]],
  ['every export has an @example', node, [join(root, 'scripts/docs-check-examples.mjs')]],
  ['link check', node, [join(root, 'scripts/link-check.mjs')]],
];

for (const [label, cmd, args] of steps) {
  const started = Date.now();
  console.log(`\n▶ docs: ${label}`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`✗ docs: ${label} failed (${res.error?.message ?? `exit ${res.status}`})`);
    process.exit(res.status || 1);
  }
  console.log(`✓ docs: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log('\ndocs: the site is in docs/site (open docs/site/index.html)');
