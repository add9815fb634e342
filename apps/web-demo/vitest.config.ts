import { defineConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

// Unit tests of the page's pure logic (settings, chart data, digit preprocessing): no browser needed.
export default defineConfig({ ...shared, test: { ...shared.test, include: ['test/**/*.test.ts'] } });
