// Checks the package where vitest cannot: plain Node importing the built dist/ (vitest transforms ESM and
// could hide a module that Node itself cannot load, as tfjs-core's own register_all_gradients is).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/plain-node-gradients.mjs', import.meta.url));

const fakeNodeHooks = fileURLToPath(new URL('./fixtures/fake-tfjs-node-register.mjs', import.meta.url));

interface FixtureResult {
  choice: { backend: string; reason: string };
  loss: number;
  gradShapes: Record<string, number[]>;
  gradSum: number;
}

const results = new Map<string, FixtureResult>();

/**
 * Runs the fixture under plain Node (once per arguments; the result is remembered); `fakeTfjsNode` makes
 * `@tensorflow/tfjs-node` importable as a stand-in.
 */
function runFixture(
  kind: string,
  opts: { fakeTfjsNode?: 'working' | 'broken'; wasmPaths?: string; wasmFirst?: boolean } = {},
): FixtureResult {
  const key = JSON.stringify([kind, opts]);
  const known = results.get(key);
  if (known) return known;
  const args = opts.fakeTfjsNode ? ['--import', fakeNodeHooks] : [];
  const env = {
    ...process.env,
    FAKE_TFJS_NODE: opts.fakeTfjsNode ?? '',
    WASM_PATHS: opts.wasmPaths ?? '',
    IMPORT_ORDER: opts.wasmFirst ? 'wasm-first' : '',
  };
  // cwd is the filesystem root: the WASM binaries must be found whatever the working directory is.
  const out = execFileSync(process.execPath, [...args, fixture, kind], {
    cwd: '/',
    encoding: 'utf8',
    env,
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: FixtureResult = JSON.parse(out.trim().split('\n').pop() ?? '');
  results.set(key, result);
  return result;
}

describe('plain Node on the built package', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: pkgRoot,
      stdio: 'inherit',
    });
  });

  it.each(['cpu', 'wasm', 'auto'])('trains a convnet step with gradients on %s', (kind) => {
    const result = runFixture(kind);
    expect(result.choice.backend).toBe(kind === 'cpu' ? 'cpu' : 'wasm');
    expect(result.gradShapes).toEqual({ w: [3, 3, 3, 4], v: [100, 2] });
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.gradSum).toBeGreaterThan(0);
    if (kind === 'auto') expect(result.choice.reason).toMatch(/tfjs-node is not installed.*WASM/);
  });

  it("'auto' prefers an installed tfjs-node and 'node' uses it", () => {
    const auto = runFixture('auto', { fakeTfjsNode: 'working' });
    expect(auto.choice).toEqual({
      backend: 'tensorflow',
      reason: 'auto: @tensorflow/tfjs-node is installed; using native TensorFlow',
    });
    expect(auto.gradShapes).toEqual({ w: [3, 3, 3, 4], v: [100, 2] });
    expect(runFixture('node', { fakeTfjsNode: 'working' }).choice.backend).toBe('tensorflow');
  });

  it("'auto' falls back to WASM when tfjs-node is installed but broken, saying why", () => {
    const result = runFixture('auto', { fakeTfjsNode: 'broken' });
    expect(result.choice.backend).toBe('wasm');
    expect(result.choice.reason).toMatch(
      /^auto: @tensorflow\/tfjs-node is installed but failed to load: The specified module could not be found.*; using WASM/,
    );
  });

  it("'auto' falls back to CPU when the WASM binaries cannot be loaded; 'wasm' then fails clearly", () => {
    const result = runFixture('auto', { wasmPaths: '/nonexistent/' });
    expect(result.choice.backend).toBe('cpu');
    expect(result.choice.reason).toMatch(
      /^auto: @tensorflow\/tfjs-node is not installed; the WASM backend failed/,
    );
    expect(() => runFixture('wasm', { wasmPaths: '/nonexistent/' })).toThrow(
      /setupBackend\('wasm'\): the WASM backend failed/,
    );
  });

  it('trains on WASM when the app started the WASM backend before importing this package', () => {
    const late = runFixture('wasm', { wasmFirst: true });
    const early = runFixture('wasm');
    expect(late.choice.backend).toBe('wasm');
    expect(late.loss).toBe(early.loss);
    expect(late.gradSum).toBe(early.gradSum);
  });

  it('gives the same loss and gradients on CPU and WASM', () => {
    const cpu = runFixture('cpu');
    const wasm = runFixture('wasm');
    expect(Math.abs(cpu.loss - wasm.loss)).toBeLessThan(1e-4 * Math.abs(cpu.loss));
    expect(Math.abs(cpu.gradSum - wasm.gradSum)).toBeLessThan(1e-4 * cpu.gradSum);
  });
});
