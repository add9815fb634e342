import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tfjsGradConfigs, tfjsGradConfigsVersion } from '../src/generated/tfjs-gradients.js';

const require = createRequire(import.meta.url);
const coreRoot = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));

describe('bundled tfjs-core gradient configs', () => {
  it('come from the installed tfjs-core version (else run `pnpm gen:gradients`)', () => {
    const installed = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')).version;
    expect(tfjsGradConfigsVersion).toBe(installed);
  });

  it('are exactly the configs tfjs-core’s own register_all_gradients registers', () => {
    const source = readFileSync(join(coreRoot, 'dist/register_all_gradients.js'), 'utf8');
    const list = source.slice(source.indexOf('const gradConfigs = ['), source.indexOf('];'));
    const names = new Set(list.match(/\w+GradConfig\b/g));
    expect(names.size).toBeGreaterThanOrEqual(100);
    expect(tfjsGradConfigs.length).toBe(names.size);
    expect(new Set(tfjsGradConfigs.map((c) => c.kernelName)).size).toBe(names.size);
    for (const config of tfjsGradConfigs) {
      expect(typeof config.kernelName).toBe('string');
      expect(typeof config.gradFunc).toBe('function');
    }
  });
});
