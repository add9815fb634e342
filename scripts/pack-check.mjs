// Release checks for the publishable packages (packages/*), as a user would meet them.
// usage: node scripts/pack-check.mjs [--full] [--keep]
//
//  1. metadata: every package.json has what the registry page and a consumer need (description,
//     keywords, license, repository with directory, type, exports with types + import, types,
//     sideEffects, engines, files) and the package folder has LICENSE and a README.md with an
//     install command and a usage example;
//  2. changesets: `changeset status` passes and `changeset version` succeeds on a scratch copy of
//     the workspace manifests (the real files are not touched);
//  3. pack: `pnpm pack` of every package; each tarball holds its export targets, README.md and
//     LICENSE, and no `workspace:` ranges are left in its package.json;
//  4. consumers: the tarballs are npm-installed into empty folders and a small TypeScript consumer
//     is compiled with tsc (NodeNext, strict, types from the tarballs only) and run with node:
//       - "schedules": @onecycle/annealing + @onecycle/one-cycle alone (no third-party deps: offline);
//       - "loop": + @onecycle/callbacks + @onecycle/lr-finder (still no third-party deps: offline);
//       - with --full: every package together next to @tensorflow/tfjs (fetches tfjs and the other
//         third-party deps from the registry), a tiny fitOneCycle on the WASM backend, as a user's
//         first program would, and a tf.sequential model trained with @onecycle/tfjs-layers.
// Build first (`pnpm build`): the tarballs ship dist/.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { workspaceFolders } from './workspace-folders.mjs';

const root = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const full = args.has('--full');
const keep = args.has('--keep');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const changesetBin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');

const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`  ✗ ${msg}`);
};
const ok = (msg) => console.log(`  ✓ ${msg}`);

function run(cmd, argv, opts = {}) {
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** Runs a command; on failure records its output and returns undefined. */
function tryRun(label, cmd, argv, opts = {}) {
  try {
    return run(cmd, argv, opts);
  } catch (err) {
    fail(`${label}: ${cmd} ${argv.join(' ')} failed\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    return undefined;
  }
}

const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'package.json')))
  .map((d) => {
    const dir = join(root, 'packages', d.name);
    return {
      dir,
      rel: `packages/${d.name}`,
      pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    };
  });

// ── 1. metadata ──────────────────────────────────────────────────────────────────────────────
console.log('metadata');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (!existsSync(join(root, 'LICENSE'))) fail('LICENSE is missing at the repository root');
for (const { dir, rel, pkg } of packages) {
  const gaps = [];
  const nonEmpty = (v) => typeof v === 'string' && v.trim() !== '';
  if (!nonEmpty(pkg.name) || !pkg.name.startsWith('@onecycle/')) gaps.push('name (@onecycle/<name>)');
  if (!/^\d+\.\d+\.\d+/.test(pkg.version ?? '')) gaps.push('version');
  if (pkg.private === true) gaps.push('private: true (cannot be published)');
  if (!nonEmpty(pkg.description)) gaps.push('description');
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length === 0) gaps.push('keywords');
  if (pkg.license !== rootPkg.license) gaps.push(`license (expected ${rootPkg.license})`);
  if (!nonEmpty(pkg.repository?.url) || pkg.repository?.directory !== rel) {
    gaps.push(`repository { url, directory: "${rel}" }`);
  }
  if (pkg.type !== 'module') gaps.push('type: "module"');
  if (typeof pkg.sideEffects !== 'boolean' && !Array.isArray(pkg.sideEffects)) gaps.push('sideEffects');
  if (!nonEmpty(pkg.engines?.node)) gaps.push('engines.node');
  const dot = pkg.exports?.['.'];
  if (
    !dot ||
    typeof dot !== 'object' ||
    !nonEmpty(dot.types) ||
    !(nonEmpty(dot.import) || nonEmpty(dot.default))
  ) {
    gaps.push('exports["."] with types and import');
  } else {
    const keys = Object.keys(dot);
    if (keys.indexOf('types') > keys.indexOf(nonEmpty(dot.import) ? 'import' : 'default')) {
      gaps.push('exports["."]: "types" must come before "import"');
    }
  }
  if (!nonEmpty(pkg.types)) gaps.push('types');
  if (!Array.isArray(pkg.files) || !pkg.files.includes('dist')) gaps.push('files (with "dist")');
  if (!existsSync(join(dir, 'README.md'))) gaps.push('README.md');
  else {
    // the README is the package's page on the site and on the registry: how to install, how to use
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const name = pkg.name?.replace(/[/]/g, '\\/');
    if (!new RegExp(`(npm (install|i)|pnpm add|yarn add)[^\\n]*${name}(\\s|$)`, 'm').test(readme)) {
      gaps.push(`README.md: no install command (npm install ${pkg.name})`);
    }
    if (!/```(ts|typescript|js|javascript)\n/.test(readme))
      gaps.push('README.md: no usage example (a ```ts block)');
  }
  if (!existsSync(join(dir, 'LICENSE'))) gaps.push('LICENSE');
  if (!existsSync(join(dir, 'typedoc.json'))) {
    // not a gap: the root typedoc.json's packageOptions apply
  }
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (dep.startsWith('@onecycle/') && range !== 'workspace:^') {
      gaps.push(`dependencies.${dep}: "${range}" (use "workspace:^" so releases stay in step)`);
    }
  }
  for (const target of [dot?.types, dot?.import ?? dot?.default, pkg.types, pkg.main].filter(nonEmpty)) {
    if (!existsSync(join(dir, target))) gaps.push(`${target} is missing (build first: pnpm build)`);
  }
  if (gaps.length > 0) fail(`${pkg.name ?? rel}: ${[...new Set(gaps)].join('; ')}`);
  else ok(`${pkg.name}`);
}

// ── 2. changesets ────────────────────────────────────────────────────────────────────────────
console.log('changesets');
const scratch = mkdtempSync(join(tmpdir(), 'onecycle-pack-check-'));
{
  // A scratch copy of the manifests, committed to a fresh git repository, plus the pending
  // changesets on top: `changeset status` validates them (package names, bump types) and prints
  // the release plan, and `changeset version` can rewrite files without touching the real ones.
  const copy = join(scratch, 'workspace');
  mkdirSync(copy);
  for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
    cpSync(join(root, f), join(copy, f), { recursive: true });
  }
  for (const dir of workspaceFolders(root)) {
    mkdirSync(join(copy, dir), { recursive: true });
    cpSync(join(root, dir, 'package.json'), join(copy, dir, 'package.json'));
  }
  writeFileSync(join(copy, '.gitignore'), 'node_modules\n');
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const git = (...a) =>
    run('git', ['-c', 'user.name=pack-check', '-c', 'user.email=pack-check@localhost', ...a], { cwd: copy });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'scratch');
  // the pending changesets come after that commit, so that `status --since=HEAD` lists them all
  cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true });
  git('add', '.changeset');
  const status = tryRun('changeset status', process.execPath, [changesetBin, 'status', '--since=HEAD'], {
    cwd: copy,
  });
  if (status !== undefined) {
    // "Packages to be bumped at minor:" followed by "- @onecycle/x" lines → "minor: @onecycle/x, …"
    const plan = {};
    let bump;
    for (const line of status.split('\n')) {
      const head = /bumped at (\w+):/.exec(line);
      if (head) bump = head[1];
      const pkg = /- (@\S+)/.exec(line);
      if (pkg && bump) plan[bump] = [...(plan[bump] ?? []), pkg[1]];
    }
    const summary = Object.entries(plan).map(([b, names]) => `${b}: ${names.join(', ')}`);
    ok(`changeset status: ${summary.length ? summary.join('; ') : 'no pending changesets'}`);
  }
  const out = tryRun('changeset version', process.execPath, [changesetBin, 'version'], { cwd: copy });
  if (out !== undefined) {
    const bumped = packages
      .map(({ rel, pkg }) => {
        const after = JSON.parse(readFileSync(join(copy, rel, 'package.json'), 'utf8')).version;
        return after === pkg.version ? undefined : `${pkg.name} ${pkg.version} → ${after}`;
      })
      .filter(Boolean);
    ok(
      `changeset version (dry run on a copy): ${bumped.length ? bumped.join(', ') : 'no pending changesets'}`,
    );
  }
}

// ── 3. pack ──────────────────────────────────────────────────────────────────────────────────
console.log('pack');
const tarDir = join(scratch, 'tarballs');
mkdirSync(tarDir);
const tarballs = new Map();
for (const { dir, pkg } of packages) {
  const out = tryRun(`${pkg.name} pack`, 'pnpm', ['pack', '--pack-destination', tarDir], { cwd: dir });
  if (out === undefined) continue;
  const file = out
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .reverse()
    .find((l) => l.endsWith('.tgz'));
  const tgz = file && (existsSync(file) ? file : join(tarDir, file.split('/').pop()));
  if (!tgz || !existsSync(tgz)) {
    fail(`${pkg.name}: pnpm pack did not report a tarball\n${out}`);
    continue;
  }
  tarballs.set(pkg.name, tgz);
  const listing = run('tar', ['-tzf', tgz]).split('\n');
  const manifest = JSON.parse(run('tar', ['-xzOf', tgz, 'package/package.json']));
  const gaps = [];
  // every subpath's types and code (`.`, and `./node` where the package has one)
  const entries = Object.values(manifest.exports ?? {}).filter((e) => typeof e === 'object');
  const targets = entries.flatMap((e) => [e.types, e.import]);
  for (const target of [...targets, manifest.types, 'README.md', 'LICENSE'].filter(Boolean)) {
    if (!listing.includes(`package/${target.replace(/^\.\//, '')}`))
      gaps.push(`${target} not in the tarball`);
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) gaps.push(`${field}.${dep} still "${range}"`);
    }
  }
  if (gaps.length > 0) fail(`${pkg.name} tarball: ${[...new Set(gaps)].join('; ')}`);
  else ok(`${pkg.name}: ${tgz.split('/').pop()} (${listing.filter(Boolean).length} files)`);
}

// ── 4. consumers ─────────────────────────────────────────────────────────────────────────────
/**
 * Installs the named packages' tarballs (and the `registry` packages next to them) into an empty
 * folder, compiles `source` with tsc against them and runs it with node. Dependencies between the packages are satisfied by the tarballs
 * themselves (npm prefers the installed top-level copy).
 */
function consumer(label, names, source, { offline, skipLibCheck = false, registry = [] }) {
  console.log(`consumer: ${label}`);
  const missing = names.filter((n) => !tarballs.has(n));
  if (missing.length > 0) {
    fail(`consumer ${label}: no tarball for ${missing.join(', ')}`);
    return;
  }
  const dir = join(scratch, `consumer-${label}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${label}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
  if (offline) npmArgs.push('--offline');
  const installed = tryRun(
    `consumer ${label}: npm install`,
    'npm',
    [...npmArgs, ...names.map((n) => tarballs.get(n)), ...registry],
    {
      cwd: dir,
    },
  );
  if (installed === undefined) return;
  writeFileSync(join(dir, 'consumer.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck,
          types: [],
          lib: ['ES2022', 'DOM'],
          outDir: 'out',
        },
        files: ['consumer.ts'],
      },
      null,
      2,
    )}\n`,
  );
  if (
    tryRun(`consumer ${label}: tsc`, process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }) ===
    undefined
  ) {
    return;
  }
  // bundler users resolve through the same exports map, with other conditions
  const bundler = tryRun(
    `consumer ${label}: tsc (moduleResolution bundler)`,
    process.execPath,
    [tsc, '-p', 'tsconfig.json', '--noEmit', '--module', 'esnext', '--moduleResolution', 'bundler'],
    { cwd: dir },
  );
  if (bundler === undefined) return;
  ok(`tsc (NodeNext and bundler resolution): types of ${names.join(', ')} resolve`);
  const out = tryRun(`consumer ${label}: node`, process.execPath, ['out/consumer.js'], { cwd: dir });
  if (out !== undefined) ok(`node: ${out.trim().split('\n').join(' | ')}`);
}

// The consumers use the public API the way the packages' READMEs show it, and fail loudly.
const schedulesSource = `import { anneal, annealCos, annealLinear, type Schedule, Stepper } from '@onecycle/annealing';
import { oneCycle } from '@onecycle/one-cycle';

const s: Schedule = anneal(1, 0, 10, annealCos);
if (Math.abs(s.at(5) - 0.5) > 1e-12) throw new Error(\`cos half-way: \${s.at(5)}\`);
if (new Stepper(anneal(0, 10, 10, annealLinear), 3).value !== 3) throw new Error('linear');
const sched = oneCycle({ lrMax: 0.05, totalSteps: 100 });
const start = sched.at(0);
const lr0 = Array.isArray(start.lr) ? start.lr[0]! : start.lr;
if (Math.abs(lr0 - 0.05 / 25) > 1e-12) throw new Error(\`1cycle starts at lrMax/25, got \${lr0}\`);
console.log(\`oneCycle: \${sched.totalSteps} steps, lr \${lr0} → peak, mom \${start.mom}\`);
`;
const loopSource = `import { anneal, annealLinear } from '@onecycle/annealing';
import * as callbacks from '@onecycle/callbacks';
import * as lrFinder from '@onecycle/lr-finder';
import { oneCycle } from '@onecycle/one-cycle';

const sched = oneCycle({ lrMax: 0.01, totalSteps: 10 });
const lr = anneal(0, 1, 4, annealLinear);
const exported = [...Object.keys(callbacks), ...Object.keys(lrFinder)];
if (exported.length === 0) throw new Error('callbacks and lr-finder export nothing at run time');
console.log(\`\${exported.length} runtime exports; schedule \${sched.totalSteps} steps; anneal \${lr.totalSteps} steps\`);
`;
/** The `./node` subpaths of the packages (the Node-only half of the Node/browser split). */
const nodeEntries = () => packages.filter((p) => p.pkg.exports?.['./node']).map((p) => `${p.pkg.name}/node`);
const allSource = () =>
  [
    ...packages.map((p, i) => `import * as m${i} from '${p.pkg.name}';`),
    ...nodeEntries().map((name, i) => `import * as n${i} from '${name}';`),
    "import { setupBackend } from '@onecycle/backends';",
    "import { Learner, accuracy } from '@onecycle/learner';",
    "import { simpleCnn } from '@onecycle/models';",
    "import { ImageDataBunch } from '@onecycle/vision-data';",
    "import { fitOneCycle, lrFind } from '@onecycle/tfjs-layers';",
    "import { layersLearnerModel } from '@onecycle/tfjs-layers/learner';",
    "import * as tf from '@tensorflow/tfjs';",
    '',
    `const modules: Record<string, object> = { ${[
      ...packages.map((p, i) => `'${p.pkg.name}': m${i}`),
      ...nodeEntries().map((name, i) => `'${name}': n${i}`),
    ].join(', ')} };`,
    'for (const [name, m] of Object.entries(modules)) {',
    "  if (Object.keys(m).length === 0) throw new Error(name + ' exports nothing at run time');",
    '}',
    '// a tiny task: is the bright half of an 8×8 image the top or the bottom?',
    "const backend = await setupBackend('wasm');",
    'const n = 128;',
    'const x = new Uint8Array(n * 8 * 8 * 3);',
    'const labels = Array.from({ length: n }, (_, i) => i % 2);',
    'for (let i = 0; i < n; i++) {',
    '  for (let r = 0; r < 8; r++) {',
    '    const bright = (r < 4) === (labels[i] === 0);',
    '    for (let k = 0; k < 8 * 3; k++) x[i * 192 + r * 24 + k] = bright ? 200 + ((i + k) % 50) : (i * 7 + k) % 40;',
    '  }',
    '}',
    "const data = ImageDataBunch.fromArrays(x, labels, [n, 8, 8, 3], ['top', 'bottom'], { validPct: 0.25, bs: 16 });",
    'const model = simpleCnn([3, 8, 8, 2], undefined, undefined, false, { seed: 0 });',
    'const learn = new Learner(data, model, { metrics: [accuracy], seed: 0 });',
    'await learn.fitOneCycle(4, 5e-2);',
    'const last = learn.recorder.epochs.at(-1);',
    'learn.dispose();',
    'model.dispose();',
    "if (!last || !Number.isFinite(last.validLoss)) throw new Error('fitOneCycle recorded no validation loss');",
    "if (!((last.metrics.accuracy ?? 0) > 0.9)) throw new Error('the installed packages did not learn the toy task: accuracy ' + last.metrics.accuracy);",
    "console.log(Object.keys(modules).length + ' entries (packages and their ./node subpaths) import together; fitOneCycle(4, 5e-2) on ' + backend.backend + ': valid_loss ' + last.validLoss.toExponential(2) + ', accuracy ' + last.metrics.accuracy);",
    '// @onecycle/tfjs-layers next to @tensorflow/tfjs: a tf.sequential model trained with model.fit',
    'const xs = tf.randomNormal([256, 4], 0, 1, "float32", 1);',
    'const ys = tf.tidy(() => tf.oneHot(tf.cast(tf.greater(tf.sum(xs, 1), 0), "int32") as tf.Tensor1D, 2));',
    'const seq = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });',
    'seq.compile({ optimizer: tf.train.adam(), loss: "categoricalCrossentropy", metrics: ["accuracy"] });',
    'const found = await lrFind(seq, xs, ys, { numIt: 30 });',
    'const history = await fitOneCycle(seq, xs, ys, { epochs: 5, lrMax: 0.05, batchSize: 32, verbose: 0 });',
    'const layersAcc = Number(history.history.acc?.at(-1));',
    "if (!(layersAcc > 0.9)) throw new Error('fitOneCycle of @onecycle/tfjs-layers did not learn: accuracy ' + layersAcc);",
    "if (layersLearnerModel(seq).parameters().length !== 2) throw new Error('layersLearnerModel: expected 2 parameters');",
    "console.log('tfjs-layers on ' + tf.getBackend() + ': lrFind ' + found.lrs.length + ' iterations, fitOneCycle accuracy ' + layersAcc.toFixed(3));",
    '',
  ].join('\n');
consumer('schedules', ['@onecycle/annealing', '@onecycle/one-cycle'], schedulesSource, { offline: true });
consumer(
  'loop',
  [
    '@onecycle/annealing',
    '@onecycle/one-cycle',
    '@onecycle/charts',
    '@onecycle/callbacks',
    '@onecycle/lr-finder',
  ],
  loopSource,
  { offline: true },
);
if (full) {
  consumer(
    'all',
    packages.map((p) => p.pkg.name),
    allSource(),
    // tfjs's own declarations need @types/long and emscripten's types, which it does not depend
    // on: check our declarations strictly in the two consumers above, and here that everything
    // resolves and runs together
    { offline: false, skipLibCheck: true, registry: ['@tensorflow/tfjs@^4.22.0'] },
  );
}

if (!keep) rmSync(scratch, { recursive: true, force: true });
else console.log(`kept ${scratch}`);
if (failures.length > 0) {
  console.error(`pack-check: ${failures.length} problem(s)`);
  process.exit(1);
}
console.log('pack-check: all packages publishable');
