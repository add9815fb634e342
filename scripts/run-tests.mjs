// `pnpm test`: every package's unit tests (vitest, through turbo), then the browser tests in a real
// Chromium when one is installed, then one closing line adding them all up.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

// Reports of an earlier run must not be counted again.
for (const group of ['packages', 'apps']) {
  for (const name of existsSync(group) ? readdirSync(group) : []) {
    rmSync(join(group, name, '.e2e-report.json'), { force: true });
  }
}

let status = run('pnpm', ['exec', 'turbo', 'run', 'test', '--concurrency=1']);
if (existsSync(chromium)) {
  status = run('pnpm', ['exec', 'turbo', 'run', 'test:e2e', '--concurrency=1']) || status;
} else {
  console.log(
    `\nBrowser tests skipped: no Chromium at ${chromium}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH, then run pnpm test:e2e.`,
  );
}
status = run('node', ['scripts/test-summary.mjs']) || status;
process.exit(status);
