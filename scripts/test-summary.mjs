// Adds up the test reports of every workspace package — vitest's JSON report (.vitest-report.json)
// and the browser tests' (.e2e-report.json) — and prints one closing line:
// "tests: N passed, N failed, N skipped" (exit code 1 when any test failed or none ran).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ['packages', 'apps']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group).sort()) {
    const unit = join(group, name, '.vitest-report.json');
    if (existsSync(unit)) {
      const r = JSON.parse(readFileSync(unit, 'utf8'));
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + (r.numTodoTests ?? 0);
      console.log(`${unit}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    }
    const e2e = join(group, name, '.e2e-report.json');
    if (existsSync(e2e)) {
      const r = JSON.parse(readFileSync(e2e, 'utf8'));
      passed += r.passed;
      failed += r.failed;
      console.log(`${e2e}: ${r.passed} passed, ${r.failed} failed`);
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
