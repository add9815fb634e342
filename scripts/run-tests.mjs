// `pnpm test`: every package's unit tests (vitest, through turbo), then the browser tests in a real
// Chromium when one is installed, then one closing line adding them all up (scripts/test-summary.mjs).
// Every package runs even when another one fails (turbo --continue), and turbo's run summary (each
// task's exit code) goes to the closing count, so a runner that fails without saying so in its
// report still counts as failed. usage: node scripts/run-tests.mjs [--unit]   (--unit: no browser tests)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceFolders } from './workspace-folders.mjs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const unitOnly = process.argv.includes('--unit');
const runsDir = join('.turbo', 'runs');
const summaries = [];

/** Runs a turbo task in every package; returns its exit status and keeps the path of its run summary. */
function turbo(task) {
  const before = new Set(existsSync(runsDir) ? readdirSync(runsDir) : []);
  const args = ['exec', 'turbo', 'run', task, '--concurrency=1', '--continue', '--summarize'];
  const status = spawnSync('pnpm', args, { stdio: 'inherit' }).status ?? 1;
  const made = existsSync(runsDir) ? readdirSync(runsDir).filter((f) => !before.has(f)) : [];
  summaries.push(...made.map((f) => join(runsDir, f)));
  return status;
}

// Reports of an earlier run must not be counted again (turbo restores a cached run's own report).
for (const dir of workspaceFolders()) {
  for (const report of ['.vitest-report.json', '.e2e-report.json'])
    rmSync(join(dir, report), { force: true });
}

let status = turbo('test');
const e2e = !unitOnly && existsSync(chromium);
if (e2e) {
  status = turbo('test:e2e') || status;
} else if (!unitOnly) {
  console.log(
    `\nBrowser tests skipped: no Chromium at ${chromium}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH, then run pnpm test:e2e.`,
  );
}
const summaryArgs = [
  'scripts/test-summary.mjs',
  ...(e2e ? ['--e2e'] : []),
  ...summaries.flatMap((s) => ['--runs', s]),
];
status = (spawnSync('node', summaryArgs, { stdio: 'inherit' }).status ?? 1) || status;
for (const s of summaries) rmSync(s, { force: true });
process.exit(status);
