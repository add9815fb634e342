// Runs bench/one-cycle-vs-constant.ts (not a test: it prints a comparison of training runs).
import { defineConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

export default defineConfig({
  ...shared,
  test: { ...shared.test, include: ['bench/*.ts'], reporters: ['default'] },
});
