// Shared vitest settings for every package: tests import sibling packages from source
// (the "@onecycle/source" export condition), so no build is needed before testing.
import type { ViteUserConfig } from 'vitest/config';

const conditions = ['@onecycle/source', 'node', 'import', 'module', 'default'];

export const shared: ViteUserConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
};
