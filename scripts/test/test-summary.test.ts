// The closing count of `pnpm test` (run-tests.mjs → test-summary.mjs), run for real — turbo, vitest,
// the scripts themselves — on a small workspace written into a temporary folder.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const scripts = fileURLToPath(new URL('..', import.meta.url));
const rootModules = fileURLToPath(new URL('../../node_modules', import.meta.url));
const made: string[] = [];

afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A workspace with the project's test scripts and one package per entry: its test script and files. */
function workspace(
  packages: Record<string, { scripts: Record<string, string>; files?: Record<string, string> }>,
) {
  const root = mkdtempSync(join(tmpdir(), 'onecycle-test-summary-'));
  made.push(root);
  for (const f of ['run-tests.mjs', 'test-summary.mjs', 'workspace-folders.mjs']) {
    cpSync(join(scripts, f), join(root, 'scripts', f));
  }
  symlinkSync(rootModules, join(root, 'node_modules'), 'dir');
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'fixture', private: true, packageManager: 'pnpm@10.34.9' }),
  );
  writeFileSync(
    join(root, 'pnpm-workspace.yaml'),
    'packages:\n  - packages/*\nonlyBuiltDependencies:\n  - esbuild\n',
  );
  writeFileSync(
    join(root, 'turbo.json'),
    JSON.stringify({ tasks: { test: { outputs: ['.vitest-report.json'] } } }),
  );
  for (const [name, p] of Object.entries(packages)) {
    const dir = join(root, 'packages', name);
    mkdirSync(join(dir, 'test'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, scripts: p.scripts }));
    for (const [file, text] of Object.entries(p.files ?? {})) writeFileSync(join(dir, file), text);
  }
  spawnSync('git', ['init', '-q', root]);
  return root;
}

/** Runs one of the scripts in the workspace, with none of the enclosing vitest or turbo run's settings. */
function run(root: string, args: string[]) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(VITEST|TURBO_|npm_)/.test(k) && k !== 'NODE_ENV'),
  );
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  const lines = `${r.stdout}`.trim().split('\n');
  return { status: r.status, out: `${r.stdout}${r.stderr}`, closing: lines[lines.length - 1] };
}

const vitest = 'vitest run --globals --reporter=json --outputFile=.vitest-report.json';
const passing = { 'test/ok.test.js': "test('adds', () => expect(1 + 1).toBe(2));\n" };

describe('the closing count of pnpm test', () => {
  it('counts a file that fails to load, a runner that fails without a report, and one that exits non-zero', () => {
    const root = workspace({
      fine: { scripts: { test: vitest }, files: passing },
      broken: {
        scripts: { test: vitest },
        files: { ...passing, 'test/broken.test.js': "throw new Error('broken at import');\n" },
      },
      crashed: { scripts: { test: 'node -e "process.exit(3)"' } },
      quiet: {
        scripts: { test: vitest },
        files: {
          'test/late.test.js':
            "test('leaves a rejection', () => { Promise.reject(new Error('nobody waits')); });\n",
        },
      },
      'no-tests': { scripts: {} },
    });
    const r = run(root, ['scripts/run-tests.mjs', '--unit']);
    expect(r.out).toMatch(/broken\.test\.js: failed to load \(.*broken at import\)/);
    expect(r.out).toMatch(/packages\/crashed\/\.vitest-report\.json: missing/);
    expect(r.out).toMatch(/packages\/quiet: `test` exited with code 1 but its report counts no failure/);
    // passed: fine 1, broken 1, quiet 1; failed: broken's file, crashed, quiet's exit code (no-tests has no
    // test script: not counted)
    expect(r.closing).toBe('tests: 3 passed, 3 failed, 0 skipped');
    expect(r.status).toBe(1);
  });

  it('says 0 failed and exits 0 when every package passes', () => {
    const root = workspace({
      fine: { scripts: { test: vitest }, files: passing },
      skips: {
        scripts: { test: vitest },
        files: {
          'test/skip.test.js': "test('adds', () => expect(2).toBe(2));\ntest.skip('later', () => {});\n",
        },
      },
    });
    const r = run(root, ['scripts/run-tests.mjs', '--unit']);
    expect(r.closing).toBe('tests: 2 passed, 0 failed, 1 skipped');
    expect(r.status).toBe(0);
  });

  it('with --e2e, a package whose browser tests left no report counts as failed', () => {
    const root = workspace({
      fine: { scripts: { test: vitest, 'test:e2e': 'node e2e.mjs' }, files: passing },
    });
    expect(run(root, ['scripts/run-tests.mjs', '--unit']).closing).toBe(
      'tests: 1 passed, 0 failed, 0 skipped',
    );
    const r = run(root, ['scripts/test-summary.mjs', '--e2e']);
    expect(r.out).toMatch(/packages\/fine\/\.e2e-report\.json: missing/);
    expect(r.closing).toBe('tests: 1 passed, 1 failed, 0 skipped');
    expect(r.status).toBe(1);
  });
});
