// Checks the package where vitest cannot: plain Node importing the built dist/ (vitest transforms ESM and
// could hide a module that Node itself cannot load, as tfjs-core's own register_all_gradients is).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/plain-node-gradients.mjs', import.meta.url));

function runFixture(kind: string): {
  choice: { backend: string; reason: string };
  loss: number;
  gradShapes: Record<string, number[]>;
  gradSum: number;
} {
  // cwd is the filesystem root: the WASM binaries must be found whatever the working directory is.
  const out = execFileSync(process.execPath, [fixture, kind], {
    cwd: '/',
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
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

  it('gives the same loss and gradients on CPU and WASM', () => {
    const cpu = runFixture('cpu');
    const wasm = runFixture('wasm');
    expect(Math.abs(cpu.loss - wasm.loss)).toBeLessThan(1e-4 * Math.abs(cpu.loss));
    expect(Math.abs(cpu.gradSum - wasm.gradSum)).toBeLessThan(1e-4 * cpu.gradSum);
  });
});
